import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { mindspore } from '../../generated/anf_ir.js';
import { fixtureBytes, fixturePath, realManifest, type ManifestFile } from '../../test/fixtures';
import { normalizeDtypeName } from './dtype-names';
import { parseManifestBytes, sniffManifest } from './parse';
// Loaded after anf_ir on purpose: both schemas are in package mindspore.*, and each must keep
// its own protobuf root or the later module breaks the other's nested decoders.
import '../../generated/node_strategy.js';

interface ManifestFileEntry extends ManifestFile {
  parameters?: [string, number | null, number[]][];
  entry_count?: number;
  first_line?: string;
}

const entries = realManifest().filter((file) => file.file.startsWith('manifests/')) as ManifestFileEntry[];
const encoder = new TextEncoder();

function lensError(run: () => unknown): LensError {
  try {
    run();
  } catch (error) {
    if (error instanceof LensError) return error;
    throw error;
  }
  throw new Error('expected a LensError');
}

describe('network manifests (real files)', () => {
  it('MANIFEST.json describes every file in the manifests folder', () => {
    const onDisk = readdirSync(fixturePath('real', 'manifests'))
      .map((name) => `manifests/${name}`)
      .sort();
    expect(entries.map((entry) => entry.file).sort()).toEqual(onDisk);
  });

  for (const entry of entries) {
    it(`${entry.file} (${entry.kind})`, () => {
      const bytes = fixtureBytes('real', entry.file);
      if (entry.kind === 'json-mapping') {
        expect(sniffManifest(bytes.subarray(0, 4096), bytes.length)).toBe('json');
        const error = lensError(() => parseManifestBytes(bytes, entry.file));
        expect(error.code).toBe('manifest-is-name-map');
        expect(error.details.actual).toBe(entry.entry_count);
        return;
      }
      const manifest = parseManifestBytes(bytes, entry.file);
      expect(manifest.params).toHaveLength(entry.param_count!);
      if (entry.kind === 'graph-meta') {
        expect(manifest.kind).toBe('graph-meta');
        const DataType = mindspore.irpb.DataType;
        const actual = manifest.params.map((param) => {
          // rawDtype is the enum name; scalars written as a bare data_type have no elem_type.
          const code = param.rawDtype?.startsWith('scalar ') ? null : DataType[param.rawDtype as keyof typeof DataType];
          return [param.name, code, param.shape];
        });
        expect(actual).toEqual(entry.parameters);
      } else {
        expect(manifest.kind).toBe('text');
        const firstLine = entry.first_line!;
        expect(manifest.params[0]!.name).toBe(firstLine.split(/[#\s]/)[0]);
      }
    });
  }

  it('reads shapes and dtypes from each text layout', () => {
    const ms = parseManifestBytes(fixtureBytes('real', 'manifests', 'models__sd_ms_names_v1.txt'));
    expect(ms.layout).toBe('name#(shape)#dtype');
    expect(ms.params[0]).toEqual({
      name: 'cond_stage_model.transformer.positional_embedding',
      shape: [77, 768],
      dtype: 'Float16',
    });
    const pt = parseManifestBytes(fixtureBytes('real', 'manifests', 'models__sd_pt_names_v1.txt'));
    expect(pt.params[0]).toEqual({
      name: 'cond_stage_model.transformer.text_model.embeddings.position_embedding.weight',
      shape: [77, 768],
      dtype: 'Float32',
      rawDtype: 'torch.float32',
    });
    const eff = parseManifestBytes(fixtureBytes('real', 'manifests', 'models__efficientnetv2_key_ms.txt'));
    expect(eff.layout).toBe('name (shape)');
    expect(eff.params[0]).toEqual({ name: 'features.0.0.weight', shape: [24, 3, 3, 3], dtype: null });
    expect(eff.params[1]!.shape).toEqual([24]);
    const tf = parseManifestBytes(fixtureBytes('real', 'manifests', 'models__efficientnetv2_key_tf.txt'));
    expect(tf.layout).toBe('name');
    expect(tf.params[0]).toEqual({ name: 'efficientnetv2-s/blocks_0/conv2d/kernel', shape: null, dtype: null });
  });

  it('flags the leading graph inputs of a .meta and keeps the scalar hyper-parameters', () => {
    const meta = parseManifestBytes(fixtureBytes('real', 'manifests', 'ythlml-lenet__checkpoint_lenet-graph.meta'));
    expect(meta.params.filter((param) => param.graphInput).map((param) => param.name)).toEqual(['data', 'label']);
    expect(meta.params.find((param) => param.name === 'learning_rate')).toMatchObject({ dtype: 'Float32', shape: [] });
  });
});

describe('network manifests (JSON and edge cases)', () => {
  const parse = (text: string) => parseManifestBytes(encoder.encode(text), 'net.json');

  it('reads the MindSpore and PyTorch JSON one-liner outputs', () => {
    const object = parse(
      '{"conv1.weight": {"shape": [6, 1, 5, 5], "dtype": "Float32"}, "fc.bias": {"shape": [10], "dtype": "Float16"}}',
    );
    expect(object.params).toEqual([
      { name: 'conv1.weight', shape: [6, 1, 5, 5], dtype: 'Float32' },
      { name: 'fc.bias', shape: [10], dtype: 'Float16' },
    ]);
    const list = parse(
      '[{"name": "bn.running_mean", "shape": [64], "dtype": "torch.float32"}, {"name": "step", "shape": [], "dtype": "torch.int64"}]',
    );
    expect(list.params).toEqual([
      { name: 'bn.running_mean', shape: [64], dtype: 'Float32', rawDtype: 'torch.float32' },
      { name: 'step', shape: [], dtype: 'Int64', rawDtype: 'torch.int64' },
    ]);
    expect(parse('{"a": [2, 3]}').params).toEqual([{ name: 'a', shape: [2, 3], dtype: null }]);
    expect(parse('["a", "b"]').params.map((param) => param.name)).toEqual(['a', 'b']);
    expect(parse('{"parameters": [["w", [1], "bfloat16"]]}').params).toEqual([
      { name: 'w', shape: [1], dtype: 'BFloat16', rawDtype: 'bfloat16' },
    ]);
  });

  it('maps torch, numpy, safetensors and MindSpore dtype spellings', () => {
    const cases: [string, string | null][] = [
      ['torch.float32', 'Float32'],
      ['torch.half', 'Float16'],
      ['torch.bfloat16', 'BFloat16'],
      ['torch.long', 'Int64'],
      ['torch.uint8', 'UInt8'],
      ['torch.bool', 'Bool'],
      ['mindspore.float16', 'Float16'],
      ['np.float64', 'Float64'],
      ['F32', 'Float32'],
      ['BF16', 'BFloat16'],
      ['Float32', 'Float32'],
      ['float8', null],
    ];
    for (const [raw, expected] of cases) expect(normalizeDtypeName(raw), raw).toBe(expected);
  });

  it('gives specific errors for broken or unknown manifests', () => {
    expect(lensError(() => parse('{"a": {"shape": "x"}}')).code).toBe('manifest-bad-json');
    expect(lensError(() => parse('{"a": {"shape": [1], "dtype": "float99"}}')).details.hint).toContain('float99');
    expect(lensError(() => parse('{"a": ')).code).toBe('manifest-bad-json');
    expect(lensError(() => parse('{}')).code).toBe('manifest-empty');
    expect(lensError(() => parse('{"old": "new"}')).code).toBe('manifest-is-name-map');
    const badLine = lensError(() => parse('a (1, 2)\nb (1, x)\n'));
    expect(badLine.code).toBe('manifest-bad-line');
    expect(badLine.details.line).toBe(2);
    expect(lensError(() => parse('a#(1)#torch.float99')).details.hint).toContain('unknown dtype');
    expect(lensError(() => parseManifestBytes(new Uint8Array([0x01, 0x02, 0xff, 0xfe]))).code).toBe('manifest-unknown');
    expect(lensError(() => parseManifestBytes(new Uint8Array([0x08, 0x01, 0x22, 0x40, 0x00]))).code).toBe(
      'manifest-bad-meta',
    );
    expect(lensError(() => parse('\n\n# only comments\n')).code).toBe('manifest-empty');
  });

  it('a text dump that starts with a blank line is text, not a .ckpt', () => {
    expect(sniffManifest(encoder.encode('\nconv.weight (1, 2)\n'), 20)).toBe('text');
    expect(parse('\r\nconv.weight (1, 2)\r\nconv.bias (1,)').params).toHaveLength(2);
  });

  it('damaged .meta bytes (truncated, flipped) give a manifest or a LensError, never a crash', () => {
    const original = fixtureBytes('real', 'manifests', 'mindpet__checkpoint_base-graph.meta');
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round += 1) {
      const bytes = original.slice(0, round % 2 === 0 ? random(original.length) + 1 : original.length);
      for (let flips = 0; flips < 3; flips += 1) bytes[random(bytes.length)] = random(256);
      try {
        const manifest = parseManifestBytes(bytes);
        for (const param of manifest.params) {
          expect(typeof param.name).toBe('string');
          if (param.shape) for (const dim of param.shape) expect(Number.isSafeInteger(dim) && dim >= 0).toBe(true);
        }
      } catch (error) {
        expect(error).toBeInstanceOf(LensError);
      }
    }
  });
});
