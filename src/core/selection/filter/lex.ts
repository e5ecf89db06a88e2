import { LensError } from '../../../base/errors';
import { MAX_FILTER_LITERAL_CHARS } from '../../../base/limits';

/** The filter language's tokens: names, numbers (with byte units), strings, /regexes/, operators. */

type TokenKind = 'ident' | 'number' | 'string' | 'regex' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
  value?: number | string;
  flags?: string;
}

const OPERATORS = ['==', '!=', '<=', '>=', '!~', '&&', '||', '<', '>', '~', '!', '(', ')', '[', ']', ',', '='];

const UNITS: Record<string, number> = {
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

export function syntaxError(column: number, expected: string, actual: string, hint?: string): LensError {
  return new LensError('filter-syntax', { column, expected, actual, ...(hint ? { hint } : {}) });
}

export function describeToken(token: Token): string {
  return token.kind === 'end' ? 'the end of the filter' : `"${token.text}"`;
}

export function tooLarge(column: number, hint: string, limit: number): LensError {
  return new LensError('filter-literal-too-large', { column, hint, limit });
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const char = text[pos]!;
    const column = pos + 1;
    if (/\s/.test(char)) {
      pos += 1;
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos, pos + MAX_FILTER_LITERAL_CHARS + 1))!;
      if (match[0].length > MAX_FILTER_LITERAL_CHARS) throw tooLarge(column, 'a name', MAX_FILTER_LITERAL_CHARS);
      tokens.push({ kind: 'ident', text: match[0], column });
      pos += match[0].length;
      continue;
    }
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(text[pos + 1] ?? ''))) {
      const match =
        /^(0[xX][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?)(KiB|MiB|GiB|TiB|KB|MB|GB|TB)?/.exec(
          text.slice(pos, pos + 80),
        )!;
      const literal = match[0];
      if (literal.length >= 64) throw tooLarge(column, 'a number', 64);
      const digits = match[1]!.replace(/_/g, '');
      const value = Number(digits) * (match[2] ? UNITS[match[2]]! : 1);
      if (!Number.isFinite(value)) throw syntaxError(column, 'a finite number', `"${literal}"`);
      if (/[A-Za-z_]/.test(text[pos + literal.length] ?? '')) {
        throw syntaxError(
          column + literal.length,
          'an operator or the end after a number',
          `"${text[pos + literal.length]}"`,
        );
      }
      tokens.push({ kind: 'number', text: literal, column, value });
      pos += literal.length;
      continue;
    }
    if (char === '"' || char === "'") {
      const [value, end] = readString(text, pos);
      tokens.push({ kind: 'string', text: text.slice(pos, end), column, value });
      pos = end;
      continue;
    }
    if (char === '/') {
      const [source, flags, end] = readRegex(text, pos);
      tokens.push({ kind: 'regex', text: text.slice(pos, end), column, value: source, flags });
      pos = end;
      continue;
    }
    const operator = OPERATORS.find((op) => text.startsWith(op, pos));
    if (!operator) throw syntaxError(column, 'a field, a value or an operator', `"${char}"`);
    tokens.push({ kind: 'op', text: operator, column });
    pos += operator.length;
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

function readString(text: string, start: number): [string, number] {
  const quote = text[start]!;
  let value = '';
  let pos = start + 1;
  while (pos < text.length) {
    const char = text[pos]!;
    if (char === quote) return [value, pos + 1];
    if (value.length >= MAX_FILTER_LITERAL_CHARS) throw tooLarge(start + 1, 'a string', MAX_FILTER_LITERAL_CHARS);
    if (char === '\\') {
      const next = text[pos + 1];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '/': '/' };
      if (next !== undefined && simple[next] !== undefined) {
        value += simple[next];
        pos += 2;
        continue;
      }
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
        continue;
      }
      throw syntaxError(pos + 1, 'a known escape (\\" \\\\ \\n \\t \\uXXXX)', `"\\${next ?? ''}"`);
    }
    value += char;
    pos += 1;
  }
  throw syntaxError(start + 1, `a closing ${quote}`, 'the end of the filter', 'The string is not closed.');
}

function readRegex(text: string, start: number): [string, string, number] {
  let pos = start + 1;
  let inClass = false;
  while (pos < text.length) {
    const char = text[pos]!;
    if (pos - start > MAX_FILTER_LITERAL_CHARS)
      throw tooLarge(start + 1, 'a regular expression', MAX_FILTER_LITERAL_CHARS);
    if (char === '\\') {
      pos += 2;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) {
      const flags = /^[a-z]*/.exec(text.slice(pos + 1, pos + 9))![0];
      return [text.slice(start + 1, pos), flags, pos + 1 + flags.length];
    }
    pos += 1;
  }
  throw syntaxError(start + 1, 'a closing "/"', 'the end of the filter', 'The regular expression is not closed.');
}
