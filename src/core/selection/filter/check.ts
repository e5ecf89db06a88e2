import { LensError } from '../../../base/errors';
import { compileSafeRegex } from '../regex';
import { FIELD_TYPES, FUNCTIONS, type FilterNode, type ValueType } from './ast';

/** Type checking: every operator gets the value types it works on, with the column of the culprit. */

export function typeOf(node: FilterNode): ValueType {
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

export function mismatch(node: FilterNode, expected: string, actual: string, hint?: string): LensError {
  return new LensError('filter-type-mismatch', { column: node.column, expected, actual, ...(hint ? { hint } : {}) });
}

/** A string compared with dtype means a dtype name; literal types that can stand for each other. */
function compatible(left: ValueType, right: ValueType): boolean {
  if (left === right) return true;
  const pair = new Set([left, right]);
  return pair.has('dtype') && pair.has('string');
}

export function check(node: FilterNode): void {
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
