import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { MAX_FILTER_CHARS, MAX_FILTER_DEPTH, MAX_FILTER_LITERAL_CHARS } from '../../base/limits';
import { describeError } from '../messages';
import { countMatches, filterPredicate, parseFilter, tryParseFilter, type FilterSubject } from './filter';

const entry = (name: string, dtype: string, shape: number[], bytes?: number): FilterSubject => ({
  name,
  dtype,
  shape,
  bytes: bytes ?? shape.reduce((a, b) => a * b, 1) * (dtype === 'Float16' ? 2 : 4),
  kind: dtype === 'str' ? 'string' : 'tensor',
});

const TENSORS: FilterSubject[] = [
  entry('conv1.weight', 'Float32', [6, 1, 5, 5]),
  entry('conv2.weight', 'Float32', [16, 6, 5, 5]),
  entry('conv12.weight', 'Float16', [16, 6, 5, 5]),
  entry('fc1.weight', 'Float32', [120, 400]),
  entry('fc1.bias', 'Float32', [120]),
  entry('blocks.0.attn.qkv.weight', 'Float16', [2304, 768]),
  entry('embed.embedding_table', 'BFloat16', [32000, 4096], 32000 * 4096 * 2),
  entry('global_step', 'Int32', [1]),
  entry('learning_rate', 'Float32', []),
  entry('note', 'str', [], 16),
];

function names(expression: string): string[] {
  const predicate = filterPredicate(expression);
  return TENSORS.filter((t) => predicate(t)).map((t) => t.name);
}

function lensError(run: () => unknown): LensError {
  try {
    run();
  } catch (error) {
    if (error instanceof LensError) return error;
    throw error;
  }
  throw new Error('expected a LensError');
}

describe('filter language', () => {
  it('evaluates the examples of the issue', () => {
    expect(names('startsWith("conv") and not startsWith("conv1")')).toEqual(['conv2.weight']);
    expect(names('name ~ /\\.bias$/')).toEqual(['fc1.bias']);
    expect(names('dtype == Float16 and numel > 1e6')).toEqual(['blocks.0.attn.qkv.weight']);
    expect(names('endsWith(".weight") and rank == 2')).toEqual(['fc1.weight', 'blocks.0.attn.qkv.weight']);
    expect(names('contains("attn")')).toEqual(['blocks.0.attn.qkv.weight']);
    expect(names('shape[0] > 100')).toEqual([
      'fc1.weight',
      'fc1.bias',
      'blocks.0.attn.qkv.weight',
      'embed.embedding_table',
    ]);
  });

  it('supports in-lists, parentheses, negation, units and shapes', () => {
    expect(names('dtype in [Float16, BFloat16]')).toEqual([
      'conv12.weight',
      'blocks.0.attn.qkv.weight',
      'embed.embedding_table',
    ]);
    expect(names('dtype not in [Float32, Float16, BFloat16]')).toEqual(['global_step', 'note']);
    expect(names('name in ["fc1.bias", "note"]')).toEqual(['fc1.bias', 'note']);
    expect(names('(startsWith("fc") || startsWith("conv1")) && !endsWith("bias")')).toEqual([
      'conv1.weight',
      'conv12.weight',
      'fc1.weight',
    ]);
    expect(names('bytes >= 1MiB')).toEqual(['blocks.0.attn.qkv.weight', 'embed.embedding_table']);
    expect(names('shape == [16, 6, 5, 5]')).toEqual(['conv2.weight', 'conv12.weight']);
    expect(names('rank == 0')).toEqual(['learning_rate', 'note']);
    expect(names('dtype == "float16"')).toEqual(['conv12.weight', 'blocks.0.attn.qkv.weight']);
    expect(names('dtype == str')).toEqual(['note']);
    expect(names('kind == "string"')).toEqual(['note']);
    expect(names('name !~ /^(conv|fc|blocks|embed)/i')).toEqual(['global_step', 'learning_rate', 'note']);
    expect(names("startsWith('conv', 'fc1.b')")).toEqual(['conv1.weight', 'conv2.weight', 'conv12.weight', 'fc1.bias']);
    expect(names('startsWith(["glob", "lear"])')).toEqual(['global_step', 'learning_rate']);
    expect(names('endsWith(".bias", "_step")')).toEqual(['fc1.bias', 'global_step']);
    expect(names('contains("attn", "embed")')).toEqual(['blocks.0.attn.qkv.weight', 'embed.embedding_table']);
    expect(names('matches(/qkv/)')).toEqual(['blocks.0.attn.qkv.weight']);
    expect(names('shape[3] == 5')).toEqual(['conv1.weight', 'conv2.weight', 'conv12.weight']);
    expect(names('shape[3] < 100')).toEqual(['conv1.weight', 'conv2.weight', 'conv12.weight']);
    expect(names('numel > 1_000_000 and numel < 0x10000000')).toEqual([
      'blocks.0.attn.qkv.weight',
      'embed.embedding_table',
    ]);
  });

  it('an empty filter keeps everything', () => {
    expect(parseFilter('   ').root).toBeNull();
    expect(countMatches(filterPredicate(''), TENSORS)).toBe(TENSORS.length);
  });

  it('reports syntax errors with the column and what was expected', () => {
    const unclosed = lensError(() => parseFilter('startsWith("conv"'));
    expect(unclosed.code).toBe('filter-syntax');
    expect(unclosed.details.column).toBe(18);
    expect(unclosed.details.expected).toContain(')');

    const single = lensError(() => parseFilter('name = "x"'));
    expect(single.code).toBe('filter-syntax');
    expect(single.details.column).toBe(6);
    expect(single.details.hint).toContain('==');

    const unknown = lensError(() => parseFilter('nmae == "x"'));
    expect(unknown.details.column).toBe(1);
    expect(unknown.details.actual).toBe('"nmae"');

    // Names every object inherits are no fields or functions either: said as unknown words
    // (toString("a") was taken for a function and said "expected a string but got a string").
    for (const word of ['toString("a")', 'constructor == 1', 'hasOwnProperty("x")', 'valueOf > 3']) {
      const inherited = lensError(() => parseFilter(word));
      expect(inherited.code, word).toBe('filter-syntax');
      expect(inherited.details.column, word).toBe(1);
      expect(inherited.details.actual, word).toBe(`"${word.split(/[(\s]/)[0]}"`);
    }

    const dangling = lensError(() => parseFilter('rank == 2 and'));
    expect(dangling.details.column).toBe(14);
    expect(dangling.details.actual).toBe('the end of the filter');

    const stringOpen = lensError(() => parseFilter('name == "abc'));
    expect(stringOpen.details.column).toBe(9);

    const sentence = describeError(unclosed.code, unclosed.details);
    expect(sentence.detail).toContain('column 18');
  });

  it('type-checks comparisons', () => {
    expect(lensError(() => parseFilter('name > 3')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('rank == "2"')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('dtype < Float16')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('startsWith(3)')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('name ~ "x"')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('rank')).code).toBe('filter-type-mismatch');
    expect(lensError(() => parseFilter('rank[0] == 1')).code).toBe('filter-type-mismatch');
    expect(tryParseFilter('numel >').ok).toBe(false);
  });

  it('hostile input: long text, deep nesting, huge literals and ReDoS patterns are bounded', () => {
    expect(lensError(() => parseFilter('x'.repeat(MAX_FILTER_CHARS + 1))).code).toBe('filter-too-long');
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 5)}rank == 1${')'.repeat(MAX_FILTER_DEPTH + 5)}`;
    expect(lensError(() => parseFilter(deep)).code).toBe('filter-too-deep');
    expect(lensError(() => parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}rank == 1`)).code).toBe(
      'filter-too-deep',
    );
    expect(lensError(() => parseFilter(`${'['.repeat(MAX_FILTER_DEPTH + 1)}`)).code).toBe('filter-too-deep');
    expect(lensError(() => parseFilter(`name == "${'a'.repeat(MAX_FILTER_LITERAL_CHARS + 1)}"`)).code).toBe(
      'filter-literal-too-large',
    );
    expect(lensError(() => parseFilter(`numel > ${'9'.repeat(70)}`)).code).toBe('filter-literal-too-large');
    expect(lensError(() => parseFilter('name ~ /(a)\\1/')).code).toBe('filter-regex-unsupported');
    expect(lensError(() => parseFilter('name ~ /(?=a)/')).details.column).toBe(9);
    // A classic catastrophic pattern is accepted but runs in linear time.
    const predicate = filterPredicate('name ~ /^(a+)+$/');
    const started = performance.now();
    expect(predicate(entry(`${'a'.repeat(20000)}!`, 'Float32', [1]))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never evaluates JavaScript', () => {
    for (const attack of ['constructor.constructor("return 1")()', 'this', '__proto__ == 1', 'globalThis', '${1}']) {
      expect(tryParseFilter(attack).ok, attack).toBe(false);
    }
  });

  it('random token soup only ever yields a predicate or a LensError', () => {
    const pieces = [
      'name',
      'dtype',
      'shape',
      '[',
      ']',
      '0',
      '(',
      ')',
      'and',
      'or',
      'not',
      '==',
      '<',
      '~',
      '/a+/',
      '"x"',
      ',',
      'in',
      'Float16',
      'startsWith',
      '!',
      '1e6',
      'rank',
      '/(/',
      "'",
      '1MiB',
      'numel',
      '>=',
    ];
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3000; round += 1) {
      const text = Array.from({ length: 1 + random(8) }, () => pieces[random(pieces.length)]).join(' ');
      const result = tryParseFilter(text);
      if (result.ok) {
        const predicate = filterPredicate(text);
        for (const tensor of TENSORS) expect(typeof predicate(tensor)).toBe('boolean');
      }
    }
  });
});
