/** Splitting one line of iptables-save / ipset save output into words, as the restore tools do. */

export interface Token {
  readonly text: string;
  /** written in double quotes: never an option, even when it starts with "-" or is "!" */
  readonly quoted: boolean;
}

/**
 * Words separated by blanks; a double-quoted word may hold blanks, and inside it a backslash
 * takes the next character literally (iptables-save writes `\"` and `\\`).
 */
export function tokenize(line: string): { ok: true; tokens: Token[] } | { ok: false; message: string } {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    let text = '';
    let quoted = false;
    while (i < n) {
      const ch = line[i] as string;
      if (ch === ' ' || ch === '\t' || ch === '\r') break;
      if (ch === '"') {
        quoted = true;
        i++;
        let closed = false;
        while (i < n) {
          const q = line[i] as string;
          if (q === '\\' && i + 1 < n) {
            text += line[i + 1] as string;
            i += 2;
            continue;
          }
          if (q === '"') {
            closed = true;
            i++;
            break;
          }
          text += q;
          i++;
        }
        if (!closed) return { ok: false, message: 'a double quote is not closed' };
        continue;
      }
      text += ch;
      i++;
    }
    tokens.push({ text, quoted });
  }
  return { ok: true, tokens };
}
