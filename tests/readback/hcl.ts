/**
 * A reader for the HCL (Terraform native syntax) subset fwplan writes: blocks, attributes,
 * strings with HCL's escapes, numbers, lists, objects, references and function calls. A string
 * holding an unescaped template sequence (`${` or `%{`) is refused: fwplan's strings are literals.
 */

export type Expr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'list'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Expr])[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'ref'; readonly path: readonly string[] };

export interface Block {
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: Body;
}

export interface Body {
  readonly attributes: ReadonlyMap<string, Expr>;
  readonly blocks: readonly Block[];
}

type Token = { t: 'ident'; v: string } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'punct'; v: string };

/** HCL's quoted-string escapes, as the HCL spec lists them. */
export function unquoteHcl(src: string, start: number): { value: string; end: number } {
  if (src[start] !== '"') throw new Error(`expected a string at ${start}`);
  let i = start + 1;
  let out = '';
  for (;;) {
    const c = src[i];
    if (c === undefined || c === '\n') throw new Error(`unterminated string at ${start}`);
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\') {
      const e = src[i + 1];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        i += 2;
        continue;
      }
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = src.slice(i + 2, i + 2 + len);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) throw new Error(`bad \\${e} escape at ${i}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + len;
        continue;
      }
      throw new Error(`unknown escape \\${e ?? ''} at ${i}`);
    }
    if ((c === '$' || c === '%') && src[i + 1] === c && src[i + 2] === '{') {
      out += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && src[i + 1] === '{') throw new Error(`template sequence ${c}{ at ${i}: fwplan's strings are literals`);
    out += c;
    i++;
  }
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '"') {
      const s = unquoteHcl(src, i);
      out.push({ t: 'string', v: s.value });
      i = s.end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 200)) as RegExpExecArray;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(src.slice(i, i + 30)) as RegExpExecArray;
      out.push({ t: 'number', v: Number(m[0]) });
      i += m[0].length;
    } else if ('{}[]()=,.'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    }
  }
  return out;
}

export function parseHcl(src: string): Body {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const take = () => {
    const t = tokens[p++];
    if (!t) throw new Error('unexpected end of file');
    return t;
  };
  const expect = (v: string) => {
    const t = take();
    if (t.t !== 'punct' || t.v !== v) throw new Error(`expected ${v}, got ${JSON.stringify(t)}`);
  };
  const isPunct = (v: string) => {
    const t = peek();
    return t !== undefined && t.t === 'punct' && t.v === v;
  };
  const expr = (): Expr => {
    const t = take();
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: t.v };
    if (t.t === 'punct' && t.v === '[') {
      const items: Expr[] = [];
      while (!isPunct(']')) {
        items.push(expr());
        if (isPunct(',')) take();
      }
      take();
      return { kind: 'list', items };
    }
    if (t.t === 'punct' && t.v === '{') {
      const entries: [string, Expr][] = [];
      while (!isPunct('}')) {
        const k = take();
        if (k.t !== 'string' && k.t !== 'ident') throw new Error(`object key expected, got ${JSON.stringify(k)}`);
        expect('=');
        entries.push([k.v, expr()]);
        if (isPunct(',')) take();
      }
      take();
      return { kind: 'object', entries };
    }
    if (t.t === 'ident') {
      if (isPunct('(')) {
        take();
        const args: Expr[] = [];
        while (!isPunct(')')) {
          args.push(expr());
          if (isPunct(',')) take();
        }
        take();
        return { kind: 'call', name: t.v, args };
      }
      const path = [t.v];
      while (isPunct('.')) {
        take();
        const n = take();
        if (n.t !== 'ident') throw new Error('attribute name expected after .');
        path.push(n.v);
      }
      return { kind: 'ref', path };
    }
    throw new Error(`expression expected, got ${JSON.stringify(t)}`);
  };
  const body = (top: boolean): Body => {
    const attributes = new Map<string, Expr>();
    const blocks: Block[] = [];
    for (;;) {
      const t = peek();
      if (t === undefined) {
        if (!top) throw new Error('unterminated block');
        break;
      }
      if (t.t === 'punct' && t.v === '}') {
        if (top) throw new Error('unexpected }');
        take();
        break;
      }
      const name = take();
      if (name.t !== 'ident') throw new Error(`attribute or block expected, got ${JSON.stringify(name)}`);
      if (isPunct('=')) {
        take();
        if (attributes.has(name.v)) throw new Error(`attribute ${name.v} twice`);
        attributes.set(name.v, expr());
        continue;
      }
      const labels: string[] = [];
      while (peek()?.t === 'string') labels.push((take() as { v: string }).v);
      expect('{');
      blocks.push({ type: name.v, labels, body: body(false) });
    }
    return { attributes, blocks };
  };
  return body(true);
}
