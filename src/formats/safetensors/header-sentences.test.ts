import { describe, expect, it } from 'vitest';
import { isLensError, type LensError } from '../../base/errors';
import { describeError, oneLine } from '../../core/messages';
import { MemorySource } from '../../io/byte-source';
import { bytesPart, readParts } from '../parts';
import { scanSafetensors } from './scan';
import { safetensorsParts } from './write';

/** A safetensors file: the 8-byte length, the header text as given, then `data`. */
function build(header: object | string, data: Uint8Array = new Uint8Array(8)): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

async function sentenceOf(bytes: Uint8Array): Promise<{ error: LensError; text: string }> {
  try {
    await scanSafetensors(new MemorySource(bytes));
  } catch (error) {
    if (!isLensError(error)) throw error;
    return { error, text: oneLine(describeError(error.code, error.details)) };
  }
  throw new Error('the header was accepted');
}

const tensor = (fields: Record<string, unknown>) => ({
  a: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...fields },
});

describe('safetensors header sentences say what is wrong, not something else', () => {
  it.each([
    ['a shape dim written 2.0', '{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', '"shape" holds 2.0'],
    ['an offset written 8e0', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8e0]}}', '"data_offsets" holds 8e0'],
    [
      'after an escaped name',
      '{"\\u0061":{"dtype":"F32","shape":[2],"data_offsets":[0.0,8]}}',
      '"data_offsets" holds 0.0',
    ],
    [
      'in the second of two entries',
      '{"b":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[2E0],"data_offsets":[0,8]}}',
      '"shape" holds 2E0',
    ],
  ])('%s is refused, as serde_json refuses it where safetensors wants an integer', async (_what, header, said) => {
    const { error, text } = await sentenceOf(build(header));
    expect(error.code).toBe('st-bad-entry');
    expect(error.details.tensor).toBe('a');
    expect(text).toContain(said);
    expect(text).toContain('a number written with a fraction or an exponent');
  });

  it('a name or metadata text that looks like a fraction is no number; a field safetensors ignores may hold one', async () => {
    const header =
      '{"__metadata__":{"lr":"1.5e-3"},"layer1.5e2":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"scale":[0.5,{"x":2.0}]}}';
    const index = await scanSafetensors(new MemorySource(build(header)));
    expect(index.tensors.map((t) => t.name)).toEqual(['layer1.5e2']);
    expect(index.metadata).toEqual({ lr: '1.5e-3' });
  });

  it('a dtype that is present but not a string is not "missing"', async () => {
    const numeric = await sentenceOf(build(tensor({ dtype: 5 })));
    expect(numeric.text).toContain('"dtype" must be a string such as "F32"; it is the number 5');
    expect(numeric.text).not.toContain('missing');
    const missing = await sentenceOf(build({ a: { shape: [2], data_offsets: [0, 8] } }));
    expect(missing.text).toContain('"dtype" is missing');
  });

  it('65 dims is too many dims, and a dim of 2^60 too large — both are lists of non-negative integers', async () => {
    const many = await sentenceOf(build(tensor({ shape: new Array<number>(65).fill(1), data_offsets: [0, 4] })));
    expect(many.text).toContain('"shape" has 65 dimensions; Ckpt Lens reads at most 64');
    expect(many.text).not.toContain('must be a list of non-negative integers');
    const huge = await sentenceOf(build(tensor({ shape: [2 ** 60, 2 ** 60] })));
    expect(huge.text).toContain('"shape" holds a dimension above 2^53−1');
    expect(huge.text).not.toContain('must be a list of non-negative integers');
    const negative = await sentenceOf(build(tensor({ shape: [-2] })));
    expect(negative.text).toContain('"shape" must be a list of non-negative integers; it holds -2');
  });

  it('a tensor-like entry named __metadata__ is the reserved metadata key, not a tensor', async () => {
    const { text, error } = await sentenceOf(
      build({ __metadata__: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }),
    );
    expect(error.details.tensor).toBeUndefined();
    expect(text).toContain('"__metadata__" is the key reserved for the file\'s metadata');
    expect(text).toContain('a tensor cannot be named __metadata__');
    expect(text).not.toContain('tensor "__metadata__"');
    // Metadata whose keys happen to be dtype/shape/data_offsets, all strings, is metadata.
    const index = await scanSafetensors(
      new MemorySource(build({ __metadata__: { dtype: 'x', shape: 'y', data_offsets: 'z' }, ...tensor({}) })),
    );
    expect(index.metadata).toEqual({ dtype: 'x', shape: 'y', data_offsets: 'z' });
  });

  it('a 100,000-character dtype is cut like a name, with its length; an empty dtype is called empty', async () => {
    const long = await sentenceOf(build(tensor({ dtype: 'X'.repeat(100_000) })));
    expect(long.text).toContain(`"${'X'.repeat(64)}…" (100,000 characters long)`);
    expect(long.text.length).toBeLessThan(600);
    const empty = await sentenceOf(build(tensor({ dtype: '' })));
    expect(empty.text).toContain('The dtype is empty');
  });

  it('a name holding a lone surrogate escape is refused with a sentence, as serde_json refuses it', async () => {
    const { text } = await sentenceOf(build('{"\\ud800x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}'));
    expect(text).toContain('A tensor name "\\ud800x" holds an unpaired UTF-16 surrogate escape');
    expect(text).toContain('serde_json');
    // A pair of surrogate escapes is one character (U+1F600) and fine.
    const index = await scanSafetensors(
      new MemorySource(build('{"\\ud83d\\ude00": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}')),
    );
    expect(index.tensors[0]?.name).toBe('😀');
  });
});

describe('F8_E4M3 and F8_E5M2 are safetensors dtypes: a safetensors file holding them is written back', () => {
  it('re-writes an F8_E4M3 and an F8_E5M2 tensor with their bytes, in the Rust enum order', async () => {
    const e4 = Uint8Array.of(1, 2, 3, 4);
    const e5 = Uint8Array.of(5, 6);
    const parts = safetensorsParts([
      { name: 'w', dtype: 'Float8E4M3', shape: [4], content: [bytesPart(e4)] },
      { name: 'v', dtype: 'Float8E5M2', shape: [2], content: [bytesPart(e5)] },
      { name: 'b', dtype: 'Int8', shape: [1], content: [bytesPart(Uint8Array.of(9))] },
    ]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(parts)) chunks.push(chunk);
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const index = await scanSafetensors(new MemorySource(bytes));
    // Dtype descending in safetensors 0.4's enum (… I8, F8_E5M2, F8_E4M3, I16 …), then name.
    expect(index.tensors.map((t) => [t.name, t.rawDtype])).toEqual([
      ['w', 'F8_E4M3'],
      ['v', 'F8_E5M2'],
      ['b', 'I8'],
    ]);
    expect(index.problems).toEqual([]);
    expect(Array.from(bytes.subarray(bytes.length - 7))).toEqual([1, 2, 3, 4, 5, 6, 9]);
  });

  it('a dtype it does not write says which ones it writes, and an empty dtype is "an empty dtype"', () => {
    for (const [dtype, words] of [
      ['Float8E8M0', 'has dtype Float8E8M0, which Ckpt Lens does not write to safetensors'],
      ['', 'has an empty dtype, which Ckpt Lens does not write to safetensors'],
    ] as const) {
      try {
        safetensorsParts([{ name: 'n', dtype, shape: [1], content: [bytesPart(new Uint8Array(1))] }]);
        throw new Error('written');
      } catch (error) {
        if (!isLensError(error)) throw error;
        const text = describeError(error.code, error.details).detail;
        expect(text).toContain(words);
        expect(text).not.toContain('has dtype ,');
      }
    }
  });
});

describe('an empty tensor_type in a .ckpt', () => {
  it('is called empty, not "Unknown tensor_type;" with nothing named', async () => {
    const { describeTensorProblem } = await import('../../core/messages');
    const { openRecords } = await import('../../test/ckpt-records');
    const opened = await openRecords([['w', [2], '', new Uint8Array(8)]]);
    const problem = opened.index.tensors[0]?.problems?.find((p) => p.code === 'unknown-dtype');
    expect(problem).toBeDefined();
    expect(describeTensorProblem('unknown-dtype', problem?.detail)).toBe(
      'The tensor_type is empty; load_checkpoint fails with a KeyError on it.',
    );
  });
});
