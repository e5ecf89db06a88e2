import { LensError } from '../../../base/errors';
import { MAX_FILTER_CHARS, MAX_FILTER_DEPTH, MAX_FILTER_LIST_ITEMS } from '../../../base/limits';
import {
  canonicalDtype,
  FIELD_TYPES,
  FUNCTIONS,
  type ComparisonOperator,
  type FieldName,
  type FilterAst,
  type FilterNode,
  type FunctionName,
} from './ast';
import { check, mismatch, typeOf } from './check';
import { describeToken, syntaxError, tokenize, tooLarge, type Token } from './lex';

/** Tokens → syntax tree (precedence: or < and < not < comparison), then type-checked. */

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
    if (Object.hasOwn(FUNCTIONS, word)) {
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
    if (Object.hasOwn(FIELD_TYPES, word)) {
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
