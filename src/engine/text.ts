/**
 * Text the engine puts into messages. A value from the plan can hold anything — escape
 * sequences, carriage returns, bidirectional overrides — and messages end up on terminals and
 * in files: control and invisible formatting characters are shown escaped, never passed on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]|\p{Cs}/gu;

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\u001b':
      return '\\e';
    default:
      return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  }
}

/** Text made safe to print on one line: control and formatting characters escaped as \n, \e, \uXXXX. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** One printable line: control and invisible formatting characters become spaces, runs of space one. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** A value quoted for a message: "10.0.0.300", cut to `max` characters. */
export function quoted(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${printable(cut)}"`;
}

/** "HQ vault!" → "hq-vault": a name-safe slug (letters, digits, -), never empty. */
export function slugify(name: string | undefined, fallback = 'fwplan'): string {
  const slug = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug === '' ? fallback : slug;
}

/** One unique slug per name, in order: a repeated slug gets -2, -3 … */
export function uniqueSlugs(names: readonly string[], fallback: string): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = slugify(name, fallback);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    return slug;
  });
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The same text, as the string V8 keeps for property names. A string made at run time that is
 * then used as a property key (a rule id: `ports[id]`, a lookup by id) is turned by V8 into a
 * "thin" reference to that kept copy, and `Array.prototype.join` builds its result as UTF-16 when
 * one part is such a reference: a comment holding ids, and then every line and the whole export
 * around it, took twice the memory and the slow way to UTF-8. A string that is the kept copy from
 * the start stays Latin-1. Same characters, same comparisons: only how the engine stores them
 * differs.
 */
export function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0] as string;
}
