import { elementCount } from '../../../base/dtypes';
import type { TensorRows } from '../../../base/tensor-columns';
import type { TensorEntry, TensorKind } from '../../../base/types';
import { compileSafeRegex, RegexBudget, type SafeRegex } from '../regex';
import type { FilterAst, FilterNode, FunctionName } from './ast';
import { typeOf } from './check';
import { parseFilter } from './parse';

/** A checked syntax tree → closures over a parameter's fields (never evaluated as JavaScript). */

/** The fields a filter can read; a TensorEntry has them all. */
export type FilterSubject = Pick<TensorEntry, 'name' | 'dtype'> & { shape: readonly number[] } & Partial<
    Pick<TensorEntry, 'bytes' | 'kind'>
  >;

type Value = string | number | boolean | readonly number[] | null;
type Getter = (entry: FilterSubject) => Value;
type FilterPredicate = (entry: FilterSubject) => boolean;

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

/** One row of a `TensorRows` as the filter reads it, moved from tensor to tensor (no object per tensor). */
class RowCursor implements FilterSubject {
  at = 0;
  constructor(private readonly rows: TensorRows) {}
  get name(): string {
    return this.rows.name(this.at);
  }
  get dtype(): string {
    return this.rows.dtype(this.at);
  }
  get shape(): readonly number[] {
    return this.rows.shape(this.at);
  }
  get bytes(): number {
    return this.rows.bytes(this.at);
  }
  get kind(): TensorKind {
    return this.rows.kind(this.at);
  }
}

/** `predicate` asked by position in `rows`. */
export function predicateAt(predicate: FilterPredicate, rows: TensorRows): (at: number) => boolean {
  const row = new RowCursor(rows);
  return (at) => {
    row.at = at;
    return predicate(row);
  };
}

/** The positions of the rows `predicate` keeps, in order. */
export function matchingPositions(predicate: FilterPredicate, rows: TensorRows): number[] {
  const keeps = predicateAt(predicate, rows);
  const positions: number[] = [];
  for (let i = 0; i < rows.length; i += 1) if (keeps(i)) positions.push(i);
  return positions;
}

export function countMatches(predicate: FilterPredicate, entries: readonly FilterSubject[]): number {
  let count = 0;
  for (const entry of entries) if (predicate(entry)) count += 1;
  return count;
}

export function filterEntries<T extends FilterSubject>(predicate: FilterPredicate, entries: readonly T[]): T[] {
  return entries.filter((entry) => predicate(entry));
}
