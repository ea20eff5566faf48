/**
 * There is no PowerShell here, so the Windows Firewall script is read by this parser instead: it
 * knows PowerShell's single-quoted strings (any of ' ‘ ’ ‚ ‛ closes one; two in a row stand for
 * one) and accepts nothing but the lines fwplan writes — comments, the param block, assignments of
 * a quoted string or a list of them, the removal of the rule group, the rollback exit, and calls
 * of New-NetFirewallRule with known parameters whose values are quoted strings, lists of them or
 * variables defined above. Any other line is an error.
 */

const QUOTES = "'\u2018\u2019\u201a\u201b";

function isQuote(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && QUOTES.includes(c);
}

/** A single-quoted string at `start`: its value and where it ends. */
export function readPsString(src: string, start: number): { value: string; end: number } {
  if (!isQuote(src[start])) throw new Error(`expected a quoted string at ${start}: ${src.slice(start, start + 30)}`);
  let i = start + 1;
  let out = '';
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new Error('unterminated string');
    if (isQuote(c)) {
      if (isQuote(src[i + 1])) {
        out += c;
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    if (c === '\n' || c === '\r') throw new Error('a line break inside a string');
    out += c;
    i++;
  }
}

export type PsValue = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'list'; readonly items: readonly string[] } | { readonly kind: 'var'; readonly name: string };

export interface PsCall {
  readonly line: number;
  readonly command: string;
  readonly params: ReadonlyMap<string, PsValue>;
}

export interface PsScript {
  readonly calls: readonly PsCall[];
  readonly variables: ReadonlyMap<string, PsValue>;
  /** the statements in order, for checks of the apply/rollback order */
  readonly statements: readonly string[];
}

const PARAM_BLOCK = ['param(', '    [Parameter(Mandatory = $true)]', "    [ValidateSet('apply', 'rollback')]", '    [string]$Mode', ')'];

const KNOWN: Record<string, ReadonlySet<string>> = {
  'New-NetFirewallRule': new Set(['Name', 'DisplayName', 'Description', 'Group', 'Direction', 'Action', 'Profile', 'Protocol', 'LocalPort', 'LocalAddress', 'RemoteAddress', 'Enabled']),
  'Remove-NetFirewallRule': new Set(['Group', 'ErrorAction']),
};

function readList(src: string, start: number): { items: string[]; end: number } {
  const items: string[] = [];
  let i = start;
  for (;;) {
    while (src[i] === ' ') i++;
    if (src[i] === ')') return { items, end: i + 1 };
    const s = readPsString(src, i);
    items.push(s.value);
    i = s.end;
    while (src[i] === ' ') i++;
    if (src[i] === ',') i++;
    else if (src[i] !== ')') throw new Error(`, or ) expected at ${i}: ${src.slice(i, i + 20)}`);
  }
}

function readValue(src: string, i: number, variables: ReadonlyMap<string, PsValue>): { value: PsValue; end: number } {
  if (src.startsWith('@(', i)) {
    const l = readList(src, i + 2);
    return { value: { kind: 'list', items: l.items }, end: l.end };
  }
  if (src[i] === '$') {
    const m = /^\$([A-Za-z][A-Za-z0-9]*)/.exec(src.slice(i, i + 64));
    if (!m) throw new Error(`variable expected at ${i}`);
    if (!variables.has(m[1] as string)) throw new Error(`variable $${m[1]} used before it is set`);
    return { value: { kind: 'var', name: m[1] as string }, end: i + m[0].length };
  }
  const s = readPsString(src, i);
  return { value: { kind: 'string', value: s.value }, end: s.end };
}

export function parsePowerShell(text: string): PsScript {
  const lines = text.split('\n');
  const variables = new Map<string, PsValue>();
  const calls: PsCall[] = [];
  const statements: string[] = [];
  let i = 0;
  let sawParam = false;
  const fail = (why: string): never => {
    throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify((lines[i] ?? '').slice(0, 120))}`);
  };
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line === '' || line.startsWith('#')) {
      if (line.startsWith('#') && /[\r]/.test(line)) fail('a carriage return in a comment');
      i++;
      continue;
    }
    if (line === 'param(') {
      if (sawParam || statements.length > 0) fail('param block not first');
      for (let k = 0; k < PARAM_BLOCK.length; k++) if (lines[i + k] !== PARAM_BLOCK[k]) fail('unexpected param block');
      sawParam = true;
      variables.set('Mode', { kind: 'string', value: '' });
      statements.push('param');
      i += PARAM_BLOCK.length;
      continue;
    }
    if (!sawParam) fail('the param block comes first');
    if (line === "if ($Mode -eq 'rollback') { return }") {
      statements.push('rollback-exit');
      i++;
      continue;
    }
    const assign = /^\$([A-Za-z][A-Za-z0-9]*) = /.exec(line);
    if (assign) {
      const name = assign[1] as string;
      const at = assign[0].length;
      if (line.slice(at) === '@(') {
        // a list over several lines: quoted strings separated by commas, then a line holding )
        const items: string[] = [];
        i++;
        while (lines[i] !== ')') {
          if (lines[i] === undefined) fail('unterminated list');
          const l = lines[i] as string;
          if (!l.startsWith('    ')) fail('list items are indented');
          const r = readList(`${l.slice(4)})`, 0);
          items.push(...r.items);
          i++;
        }
        variables.set(name, { kind: 'list', items });
      } else {
        const v = readValue(line, at, variables);
        if (v.end !== line.length) fail('trailing text after the value');
        if (name === 'ErrorActionPreference' && !(v.value.kind === 'string' && v.value.value === 'Stop')) fail('$ErrorActionPreference must be Stop');
        variables.set(name, v.value);
      }
      statements.push(`set ${name}`);
      i++;
      continue;
    }
    const cmd = /^([A-Z][A-Za-z]+-[A-Za-z]+) /.exec(line);
    if (!cmd || !KNOWN[cmd[1] as string]) fail('not a known call');
    const command = (cmd as RegExpExecArray)[1] as string;
    const params = new Map<string, PsValue>();
    let p = command.length;
    while (p < line.length) {
      if (line[p] !== ' ') fail(`a space expected at column ${p}`);
      p++;
      const pm = /^-([A-Za-z]+) /.exec(line.slice(p, p + 40));
      if (!pm) fail(`a parameter expected at column ${p}`);
      const pname = (pm as RegExpExecArray)[1] as string;
      if (!(KNOWN[command] as ReadonlySet<string>).has(pname)) fail(`unknown parameter -${pname}`);
      if (params.has(pname)) fail(`-${pname} twice`);
      const v = readValue(line, p + (pm as RegExpExecArray)[0].length, variables);
      params.set(pname, v.value);
      p = v.end;
    }
    calls.push({ line: i + 1, command, params });
    statements.push(command);
    i++;
  }
  return { calls, variables, statements };
}

/** A parameter's value as strings, variables resolved. */
export function values(script: PsScript, call: PsCall, name: string): string[] {
  const v = call.params.get(name);
  if (!v) throw new Error(`line ${call.line}: -${name} missing`);
  const resolved = v.kind === 'var' ? script.variables.get(v.name) : v;
  if (!resolved || resolved.kind === 'var') throw new Error(`line ${call.line}: -${name} unresolved`);
  return resolved.kind === 'string' ? [resolved.value] : [...resolved.items];
}
