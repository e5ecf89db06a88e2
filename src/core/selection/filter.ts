/**
 * The filter language: a small, safe predicate over a parameter's name, dtype, shape, rank,
 * numel, bytes and kind. Filters travel in shareable URLs, so they are parsed and type-checked
 * into an AST and compiled into closures — never evaluated as JavaScript — and every size is
 * bounded (text, nesting, literals, lists; regexes run on the linear-time engine in regex.ts).
 *
 *   startsWith("conv") and not startsWith("conv1")
 *   name ~ /\.bias$/
 *   dtype == Float16 and numel > 1e6
 *   dtype in [Float16, BFloat16] or (rank == 2 and shape[0] > 10)
 */
import { LensError } from '../../base/errors';
import { dtypeInfo, elementCount } from '../../base/dtypes';
import { MAX_FILTER_CHARS, MAX_FILTER_DEPTH, MAX_FILTER_LIST_ITEMS, MAX_FILTER_LITERAL_CHARS } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import { compileSafeRegex, RegexBudget, type SafeRegex } from './regex';

// ---- tokens ----

type TokenKind = 'ident' | 'number' | 'string' | 'regex' | 'op' | 'end';

interface Token {
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

function syntaxError(column: number, expected: string, actual: string, hint?: string): LensError {
  return new LensError('filter-syntax', { column, expected, actual, ...(hint ? { hint } : {}) });
}

function describeToken(token: Token): string {
  return token.kind === 'end' ? 'the end of the filter' : `"${token.text}"`;
}

function tooLarge(column: number, hint: string, limit: number): LensError {
  return new LensError('filter-literal-too-large', { column, hint, limit });
}

function tokenize(text: string): Token[] {
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

// ---- AST ----

export type FieldName = 'name' | 'dtype' | 'shape' | 'rank' | 'numel' | 'bytes' | 'kind';
export type FunctionName = 'startsWith' | 'endsWith' | 'contains' | 'matches';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ValueType = 'bool' | 'string' | 'number' | 'dtype' | 'shape' | 'regex' | 'list';

export type FilterNode =
  | { type: 'or' | 'and'; left: FilterNode; right: FilterNode; column: number }
  | { type: 'not'; operand: FilterNode; column: number }
  | { type: 'compare'; op: ComparisonOperator; left: FilterNode; right: FilterNode; column: number }
  | { type: 'in'; negated: boolean; left: FilterNode; list: FilterNode; column: number }
  | { type: 'match'; negated: boolean; left: FilterNode; regex: FilterNode; column: number }
  | { type: 'call'; name: FunctionName; args: FilterNode[]; column: number }
  | { type: 'field'; name: FieldName; index?: number; column: number }
  | { type: 'number'; value: number; column: number }
  | { type: 'string'; value: string; column: number }
  | { type: 'dtype'; value: string; column: number }
  | { type: 'regex'; source: string; flags: string; column: number }
  | { type: 'list'; items: FilterNode[]; column: number }
  | { type: 'bool'; value: boolean; column: number };

/** A parsed, type-checked filter. `text` is kept so it can be put back in a URL. */
export interface FilterAst {
  text: string;
  root: FilterNode | null;
}

const FIELD_TYPES: Record<FieldName, ValueType> = {
  name: 'string',
  dtype: 'dtype',
  shape: 'shape',
  rank: 'number',
  numel: 'number',
  bytes: 'number',
  kind: 'string',
};

const FUNCTIONS: Record<FunctionName, { argument: 'string' | 'regex' }> = {
  startsWith: { argument: 'string' },
  endsWith: { argument: 'string' },
  contains: { argument: 'string' },
  matches: { argument: 'regex' },
};

/** Names a dtype can be written as, case-insensitively, beside MindSpore's own. */
const EXTRA_DTYPES = ['str', 'random_op', 'map'];

function canonicalDtype(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const candidate of [...KNOWN_DTYPES, ...EXTRA_DTYPES]) if (candidate.toLowerCase() === lower) return candidate;
  return undefined;
}

export const KNOWN_DTYPES = [
  'Bool',
  'Int4',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float16',
  'BFloat16',
  'Float32',
  'Float64',
  'Complex64',
  'Complex128',
].filter((name) => dtypeInfo(name) !== undefined);

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.token;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isOp(text: string): boolean {
    return this.token.kind === 'op' && this.token.text === text;
  }

  private isWord(word: string): boolean {
    return this.token.kind === 'ident' && this.token.text === word;
  }

  private expectOp(text: string, what: string): Token {
    if (!this.isOp(text)) throw syntaxError(this.token.column, what, describeToken(this.token));
    return this.next();
  }

  private enter(column: number): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) throw new LensError('filter-too-deep', { column, limit: MAX_FILTER_DEPTH });
  }

  parse(): FilterNode {
    const root = this.or();
    if (this.token.kind !== 'end') {
      const hint = this.isOp('=') ? 'Use == to compare.' : undefined;
      throw syntaxError(this.token.column, '"and", "or" or the end of the filter', describeToken(this.token), hint);
    }
    return root;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isWord('or') || this.isOp('||')) {
      const column = this.next().column;
      left = { type: 'or', left, right: this.and(), column };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isWord('and') || this.isOp('&&')) {
      const column = this.next().column;
      left = { type: 'and', left, right: this.unary(), column };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.isWord('not') || this.isOp('!')) {
      const column = this.next().column;
      this.enter(column);
      const operand = this.unary();
      this.depth -= 1;
      return { type: 'not', operand, column };
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const left = this.value();
    const token = this.token;
    if (token.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.next();
      return { type: 'compare', op: token.text as ComparisonOperator, left, right: this.value(), column: token.column };
    }
    if (this.isOp('=')) throw syntaxError(token.column, 'an operator', '"="', 'Use == to compare.');
    if (this.isWord('in')) {
      this.next();
      return { type: 'in', negated: false, left, list: this.value(), column: token.column };
    }
    if (
      this.isWord('not') &&
      this.tokens[this.index + 1]?.kind === 'ident' &&
      this.tokens[this.index + 1]?.text === 'in'
    ) {
      this.next();
      this.next();
      return { type: 'in', negated: true, left, list: this.value(), column: token.column };
    }
    if (this.isOp('~') || this.isOp('!~')) {
      this.next();
      return { type: 'match', negated: token.text === '!~', left, regex: this.value(), column: token.column };
    }
    return left;
  }

  private value(): FilterNode {
    const token = this.token;
    switch (token.kind) {
      case 'number':
        this.next();
        return { type: 'number', value: token.value as number, column: token.column };
      case 'string':
        this.next();
        return { type: 'string', value: token.value as string, column: token.column };
      case 'regex':
        this.next();
        return { type: 'regex', source: token.value as string, flags: token.flags ?? '', column: token.column };
      case 'ident':
        return this.identifier();
      case 'op':
        if (token.text === '(') {
          this.next();
          this.enter(token.column);
          const inner = this.or();
          this.depth -= 1;
          this.expectOp(')', '")"');
          return inner;
        }
        if (token.text === '[') return this.list();
        break;
      case 'end':
        break;
    }
    throw syntaxError(token.column, 'a field, a function or a value', describeToken(token));
  }

  private list(): FilterNode {
    const open = this.next();
    this.enter(open.column);
    const items: FilterNode[] = [];
    if (!this.isOp(']')) {
      for (;;) {
        if (items.length >= MAX_FILTER_LIST_ITEMS) throw tooLarge(open.column, 'a list', MAX_FILTER_LIST_ITEMS);
        items.push(this.value());
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    this.expectOp(']', '"," or "]"');
    this.depth -= 1;
    return { type: 'list', items, column: open.column };
  }

  private identifier(): FilterNode {
    const token = this.next();
    const word = token.text;
    if (word in FUNCTIONS) {
      this.expectOp('(', `"(" after ${word}`);
      const args: FilterNode[] = [];
      this.enter(token.column);
      if (!this.isOp(')')) {
        for (;;) {
          if (args.length >= MAX_FILTER_LIST_ITEMS)
            throw tooLarge(token.column, 'an argument list', MAX_FILTER_LIST_ITEMS);
          args.push(this.value());
          if (!this.isOp(',')) break;
          this.next();
        }
      }
      this.depth -= 1;
      this.expectOp(')', '"," or ")"');
      return { type: 'call', name: word as FunctionName, args, column: token.column };
    }
    if (word in FIELD_TYPES) {
      const field: FilterNode = { type: 'field', name: word as FieldName, column: token.column };
      if (this.isOp('[')) {
        this.next();
        const indexToken = this.token;
        if (indexToken.kind !== 'number' || !Number.isInteger(indexToken.value) || (indexToken.value as number) < 0) {
          throw syntaxError(indexToken.column, 'a whole number index such as shape[0]', describeToken(indexToken));
        }
        this.next();
        this.expectOp(']', '"]"');
        if (word !== 'shape') {
          throw new LensError('filter-type-mismatch', {
            column: token.column,
            expected: 'shape[…]',
            actual: `${word}[…]`,
            hint: 'Only shape can be indexed.',
          });
        }
        return { ...field, index: indexToken.value as number };
      }
      return field;
    }
    if (word === 'true' || word === 'false') return { type: 'bool', value: word === 'true', column: token.column };
    const dtype = canonicalDtype(word);
    if (dtype) return { type: 'dtype', value: dtype, column: token.column };
    throw syntaxError(
      token.column,
      `a field (${Object.keys(FIELD_TYPES).join(', ')}), a function (${Object.keys(FUNCTIONS).join(', ')}) or a dtype (Float16, …)`,
      `"${word}"`,
      this.isOp('(') ? `There is no function "${word}".` : undefined,
    );
  }
}

// ---- type checking ----

function typeOf(node: FilterNode): ValueType {
  switch (node.type) {
    case 'or':
    case 'and':
    case 'not':
    case 'compare':
    case 'in':
    case 'match':
    case 'call':
    case 'bool':
      return 'bool';
    case 'field':
      return node.index !== undefined ? 'number' : FIELD_TYPES[node.name];
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'dtype':
      return 'dtype';
    case 'regex':
      return 'regex';
    case 'list':
      return 'list';
  }
}

function mismatch(node: FilterNode, expected: string, actual: string, hint?: string): LensError {
  return new LensError('filter-type-mismatch', { column: node.column, expected, actual, ...(hint ? { hint } : {}) });
}

/** A string compared with dtype means a dtype name; literal types that can stand for each other. */
function compatible(left: ValueType, right: ValueType): boolean {
  if (left === right) return true;
  const pair = new Set([left, right]);
  return pair.has('dtype') && pair.has('string');
}

function check(node: FilterNode): void {
  switch (node.type) {
    case 'or':
    case 'and':
      for (const side of [node.left, node.right]) {
        check(side);
        if (typeOf(side) !== 'bool')
          throw mismatch(side, 'a condition', `a ${typeOf(side)} value`, `"${node.type}" joins conditions.`);
      }
      return;
    case 'not':
      check(node.operand);
      if (typeOf(node.operand) !== 'bool')
        throw mismatch(node.operand, 'a condition after "not"', `a ${typeOf(node.operand)} value`);
      return;
    case 'compare': {
      check(node.left);
      check(node.right);
      const left = typeOf(node.left);
      const right = typeOf(node.right);
      const shapeAgainstList = (left === 'shape' && right === 'list') || (left === 'list' && right === 'shape');
      if (!compatible(left, right) && !shapeAgainstList)
        throw mismatch(node.right, `a ${left} value`, `a ${right} value`);
      if (node.op !== '==' && node.op !== '!=' && left !== 'number') {
        throw mismatch(
          node,
          'numbers on both sides of ' + node.op,
          `a ${left} value`,
          'Only == and != work on names, dtypes and shapes.',
        );
      }
      if (shapeAgainstList) {
        const list = node.left.type === 'list' ? node.left : node.right;
        if (list.type === 'list')
          for (const item of list.items)
            if (typeOf(item) !== 'number') throw mismatch(item, 'a number', `a ${typeOf(item)} value`);
      }
      return;
    }
    case 'in': {
      check(node.left);
      const left = typeOf(node.left);
      if (node.list.type !== 'list')
        throw mismatch(node.list, 'a list such as [Float16, BFloat16]', `a ${typeOf(node.list)} value`);
      for (const item of node.list.items) {
        check(item);
        if (!compatible(left, typeOf(item))) throw mismatch(item, `a ${left} value`, `a ${typeOf(item)} value`);
      }
      return;
    }
    case 'match':
      check(node.left);
      if (typeOf(node.left) !== 'string')
        throw mismatch(node.left, 'name (or kind) on the left of ~', `a ${typeOf(node.left)} value`);
      if (node.regex.type !== 'regex')
        throw mismatch(node.regex, 'a /regular expression/', `a ${typeOf(node.regex)} value`);
      check(node.regex);
      return;
    case 'call': {
      const argument = FUNCTIONS[node.name].argument;
      if (node.args.length === 0)
        throw mismatch(node, `at least one ${argument} argument`, 'none', `${node.name}("…")`);
      for (const arg of node.args) {
        check(arg);
        const type = typeOf(arg);
        if (argument === 'string' && arg.type === 'list') {
          for (const item of arg.items)
            if (typeOf(item) !== 'string') throw mismatch(item, 'a string', `a ${typeOf(item)} value`);
          continue;
        }
        if (type !== argument)
          throw mismatch(arg, `a ${argument === 'regex' ? '/regular expression/' : 'string'}`, `a ${type} value`);
      }
      return;
    }
    case 'regex':
      // Compiles (and validates) the pattern now, so errors carry the pattern's column.
      compileSafeRegex(node.source, node.flags, node.column + 1);
      return;
    case 'list':
      for (const item of node.items) check(item);
      return;
    case 'field':
    case 'number':
    case 'string':
    case 'dtype':
    case 'bool':
      return;
  }
}

/** Parse and type-check a filter. Empty text means "everything" (root null). */
export function parseFilter(text: string): FilterAst {
  if (text.length > MAX_FILTER_CHARS) {
    throw new LensError('filter-too-long', { actual: text.length, limit: MAX_FILTER_CHARS });
  }
  const tokens = tokenize(text);
  if (tokens.length === 1) return { text, root: null };
  const root = new Parser(tokens).parse();
  check(root);
  if (typeOf(root) !== 'bool') {
    throw mismatch(
      root,
      'a condition',
      `a ${typeOf(root)} value`,
      'For example name == "fc.bias" or startsWith("fc").',
    );
  }
  return { text, root };
}

/** Result of trying to parse: for a text box that shows errors as the user types. */
export type FilterParseResult = { ok: true; ast: FilterAst } | { ok: false; error: LensError };

export function tryParseFilter(text: string): FilterParseResult {
  try {
    return { ok: true, ast: parseFilter(text) };
  } catch (error) {
    if (error instanceof LensError) return { ok: false, error };
    throw error;
  }
}

// ---- compilation ----

/** The fields a filter can read; a TensorEntry has them all. */
export type FilterSubject = Pick<TensorEntry, 'name' | 'dtype' | 'shape'> &
  Partial<Pick<TensorEntry, 'bytes' | 'kind'>>;

type Value = string | number | boolean | readonly number[] | null;
type Getter = (entry: FilterSubject) => Value;
export type FilterPredicate = (entry: FilterSubject) => boolean;

function constant(node: FilterNode): Value | Value[] {
  switch (node.type) {
    case 'number':
    case 'string':
    case 'dtype':
    case 'bool':
      return node.value;
    case 'list':
      return node.items.map((item) => constant(item) as Value);
    default:
      return null;
  }
}

function getterOf(node: FilterNode): Getter {
  if (node.type !== 'field') {
    const value = constant(node) as Value;
    return () => value;
  }
  switch (node.name) {
    case 'name':
      return (entry) => entry.name;
    case 'dtype':
      return (entry) => entry.dtype;
    case 'kind':
      return (entry) => entry.kind ?? 'tensor';
    case 'rank':
      return (entry) => entry.shape.length;
    case 'numel':
      return (entry) => elementCount(entry.shape);
    case 'bytes':
      return (entry) => entry.bytes ?? null;
    case 'shape': {
      const index = node.index;
      if (index === undefined) return (entry) => entry.shape;
      return (entry) => entry.shape[index] ?? null;
    }
  }
}

function sameValue(left: Value, right: Value, caseInsensitive: boolean): boolean {
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((dim, i) => dim === right[i]);
  }
  if (caseInsensitive && typeof left === 'string' && typeof right === 'string')
    return left.toLowerCase() === right.toLowerCase();
  return left === right;
}

function compileNode(node: FilterNode, budget: RegexBudget): FilterPredicate {
  switch (node.type) {
    case 'or': {
      const left = compileNode(node.left, budget);
      const right = compileNode(node.right, budget);
      return (entry) => left(entry) || right(entry);
    }
    case 'and': {
      const left = compileNode(node.left, budget);
      const right = compileNode(node.right, budget);
      return (entry) => left(entry) && right(entry);
    }
    case 'not': {
      const operand = compileNode(node.operand, budget);
      return (entry) => !operand(entry);
    }
    case 'bool': {
      const value = node.value;
      return () => value;
    }
    case 'compare': {
      const left = getterOf(node.left);
      const right = getterOf(node.right);
      // dtype names compare case-insensitively (dtype == "float16"); names exactly.
      const loose = typeOf(node.left) === 'dtype' || typeOf(node.right) === 'dtype';
      switch (node.op) {
        case '==':
          return (entry) => sameValue(left(entry), right(entry), loose);
        case '!=':
          return (entry) => !sameValue(left(entry), right(entry), loose);
        default: {
          const op = node.op;
          return (entry) => {
            const a = left(entry);
            const b = right(entry);
            // A missing value (shape[3] of a 2-D tensor) satisfies no ordering.
            if (typeof a !== 'number' || typeof b !== 'number') return false;
            return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
          };
        }
      }
    }
    case 'in': {
      const left = getterOf(node.left);
      const items = node.list.type === 'list' ? node.list.items.map((item) => constant(item) as Value) : [];
      const loose = typeOf(node.left) === 'dtype';
      const lookup = new Set(items.map((item) => (loose && typeof item === 'string' ? item.toLowerCase() : item)));
      const negated = node.negated;
      return (entry) => {
        const value = left(entry);
        const key = loose && typeof value === 'string' ? value.toLowerCase() : value;
        return lookup.has(key as Value) !== negated;
      };
    }
    case 'match': {
      const left = getterOf(node.left);
      const regex =
        node.regex.type === 'regex'
          ? compileSafeRegex(node.regex.source, node.regex.flags, node.regex.column + 1)
          : null;
      const negated = node.negated;
      return (entry) => {
        const value = left(entry);
        return (typeof value === 'string' && regex !== null && regex.test(value, budget)) !== negated;
      };
    }
    case 'call':
      return compileCall(node.name, node.args, budget);
    default:
      return () => false;
  }
}

function compileCall(name: FunctionName, args: FilterNode[], budget: RegexBudget): FilterPredicate {
  if (name === 'matches') {
    const regexes: SafeRegex[] = args.flatMap((arg) =>
      arg.type === 'regex' ? [compileSafeRegex(arg.source, arg.flags, arg.column + 1)] : [],
    );
    return (entry) => regexes.some((regex) => regex.test(entry.name, budget));
  }
  // Like Python's str.startswith(tuple): any of the arguments (or list items) matches.
  const needles = args.flatMap((arg) =>
    arg.type === 'list'
      ? arg.items.flatMap((item) => (item.type === 'string' ? [item.value] : []))
      : arg.type === 'string'
        ? [arg.value]
        : [],
  );
  // Plain loops, and one needle without any: a keystroke runs this 100k times.
  const test =
    name === 'startsWith'
      ? (text: string, needle: string) => text.startsWith(needle)
      : name === 'endsWith'
        ? (text: string, needle: string) => text.endsWith(needle)
        : (text: string, needle: string) => text.includes(needle);
  if (needles.length === 1) {
    const needle = needles[0] as string;
    if (name === 'startsWith') return (entry) => entry.name.startsWith(needle);
    if (name === 'endsWith') return (entry) => entry.name.endsWith(needle);
    return (entry) => entry.name.includes(needle);
  }
  return (entry) => {
    for (const needle of needles) if (test(entry.name, needle)) return true;
    return false;
  };
}

/**
 * A predicate for a parsed filter; an empty filter keeps everything. One compiled predicate is
 * one evaluation: its regexes share one step budget across every name it is asked about
 * (MAX_FILTER_REGEX_STEPS), and throw LensError('filter-too-costly') once it is spent — compile
 * again for the next evaluation.
 */
export function compileFilter(ast: FilterAst, budget = new RegexBudget()): FilterPredicate {
  if (ast.root === null) return () => true;
  return compileNode(ast.root, budget);
}

/** Parse + compile in one step (throws LensError on a bad filter). */
export function filterPredicate(text: string): FilterPredicate {
  return compileFilter(parseFilter(text));
}

export function countMatches(predicate: FilterPredicate, entries: readonly FilterSubject[]): number {
  let count = 0;
  for (const entry of entries) if (predicate(entry)) count += 1;
  return count;
}

export function filterEntries<T extends FilterSubject>(predicate: FilterPredicate, entries: readonly T[]): T[] {
  return entries.filter((entry) => predicate(entry));
}

// ---- completion data for the UI ----

export interface FilterCompletions {
  fields: { name: FieldName; type: ValueType; description: string }[];
  functions: { name: FunctionName; signature: string; description: string }[];
  operators: { text: string; description: string }[];
  keywords: string[];
  dtypes: string[];
  examples: { expression: string; description: string }[];
}

export const FILTER_COMPLETIONS: FilterCompletions = {
  fields: [
    { name: 'name', type: 'string', description: 'parameter name' },
    { name: 'dtype', type: 'dtype', description: 'MindSpore dtype (Float16, BFloat16, Int32, str, …)' },
    { name: 'shape', type: 'shape', description: 'shape; shape[0] is the first dim, shape == [3, 3] compares all' },
    { name: 'rank', type: 'number', description: 'number of dimensions' },
    { name: 'numel', type: 'number', description: 'number of elements' },
    { name: 'bytes', type: 'number', description: 'bytes stored in the file' },
    { name: 'kind', type: 'string', description: '"tensor", "string", "random_op" or "map"' },
  ],
  functions: [
    { name: 'startsWith', signature: 'startsWith("a", …)', description: 'name starts with any of the strings' },
    { name: 'endsWith', signature: 'endsWith(".weight", …)', description: 'name ends with any of the strings' },
    { name: 'contains', signature: 'contains("attn", …)', description: 'name contains any of the strings' },
    { name: 'matches', signature: 'matches(/re/i)', description: 'name matches the regular expression' },
  ],
  operators: [
    { text: 'and', description: 'both conditions (also &&)' },
    { text: 'or', description: 'either condition (also ||)' },
    { text: 'not', description: 'negation (also !)' },
    { text: '== != < <= > >=', description: 'comparisons (ordering on numbers only)' },
    { text: '~  !~', description: 'name matches / does not match a /regex/' },
    { text: 'in  not in', description: 'membership in a [list]' },
  ],
  keywords: ['and', 'or', 'not', 'in', 'true', 'false'],
  dtypes: [...KNOWN_DTYPES, 'str'],
  examples: [
    { expression: 'startsWith("conv") and not startsWith("conv1")', description: 'conv layers except conv1' },
    { expression: 'name ~ /\\.bias$/', description: 'every bias' },
    { expression: 'dtype == Float16 and numel > 1e6', description: 'large half-precision tensors' },
    { expression: 'endsWith(".weight") and rank == 2', description: 'dense weights' },
    { expression: 'contains("attn") or contains("attention")', description: 'attention parameters' },
    { expression: 'dtype in [Float16, BFloat16]', description: 'low-precision floats' },
    { expression: 'shape[0] > 10 and bytes >= 1MiB', description: 'big first dim, at least 1 MiB' },
    { expression: 'not startsWith("moments.", "accu_grads.")', description: 'skip optimizer state' },
  ],
};
