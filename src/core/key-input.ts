/** Keys as people type them: hex digits, or text as in Python's b"…" (with \xNN escapes). */
export type KeyFormat = 'hex' | 'text';

/** Why typed key text is not a key (data; the sentence is core/messages describeKeyProblem). */
export type KeyProblem =
  | { code: 'empty' }
  | { code: 'hex-not-digits' }
  | { code: 'hex-odd-digits'; digits: number }
  | { code: 'text-not-ascii' }
  | { code: 'text-bad-hex-escape'; at: number }
  | { code: 'text-unknown-escape'; escape: string; at: number };

export type ParsedKey = { ok: true; key: Uint8Array } | { ok: false; problem: KeyProblem };

export function parseHexKey(text: string): ParsedKey {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length === 0) return { ok: false, problem: { code: 'empty' } };
  if (!/^[0-9a-fA-F]*$/.test(clean)) return { ok: false, problem: { code: 'hex-not-digits' } };
  if (clean.length % 2 !== 0) return { ok: false, problem: { code: 'hex-odd-digits', digits: clean.length } };
  const key = new Uint8Array(clean.length / 2);
  for (let i = 0; i < key.length; i += 1) key[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, key };
}

/** Python bytes-literal body: printable ASCII plus \\, \', \", \n, \r, \t, \0 and \xNN escapes. */
export function parseTextKey(text: string): ParsedKey {
  let body = text;
  const literal = /^b(['"])(.*)\1$/s.exec(text.trim());
  if (literal) body = literal[2] as string;
  const out: number[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const ch = body.charCodeAt(i);
    if (ch > 0x7f) return { ok: false, problem: { code: 'text-not-ascii' } };
    if (body[i] !== '\\') {
      out.push(ch);
      continue;
    }
    const next = body[i + 1];
    i += 1;
    if (next === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { ok: false, problem: { code: 'text-bad-hex-escape', at: i } };
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      const simple: Record<string, number> = { '\\': 0x5c, "'": 0x27, '"': 0x22, n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00 };
      const value = next !== undefined ? simple[next] : undefined;
      if (value === undefined)
        return { ok: false, problem: { code: 'text-unknown-escape', escape: next ?? '', at: i } };
      out.push(value);
    }
  }
  if (out.length === 0) return { ok: false, problem: { code: 'empty' } };
  return { ok: true, key: new Uint8Array(out) };
}

export function parseKeyInput(text: string, format: KeyFormat): ParsedKey {
  return format === 'hex' ? parseHexKey(text) : parseTextKey(text);
}
