import { describe, expect, it } from 'vitest';
import type { NetworkParam } from '../../formats/manifest/types';
import { fixtureSource } from '../../test/fixtures';
import { compileNameMap } from '../name-map/name-map';
import { PYTORCH_TO_MINDSPORE_RULES } from '../name-map/presets';
import { openCheckpoint } from '../open';
import { diffAgainstNetwork, type CheckpointParam } from './diff';
import { compareCodePoints } from '../../base/code-points';
import { parameterDict } from './dict-order';
import { openManifest } from './open-manifest';
import type { TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex } from '../../base/types';

const positionsOf = (index: CheckpointIndex): number[] => index.tensors.map((_, i) => i);
const namesOf = (rows: TensorRows): string[] => Array.from({ length: rows.length }, (_, i) => rows.name(i));

const tensor = (name: string, dtype = 'Float32', shape: number[] = [2]): CheckpointParam => ({
  name,
  dtype,
  shape,
  kind: 'tensor',
});
const net = (name: string, dtype: string | null = 'Float32', shape: number[] | null = [2]): NetworkParam => ({
  name,
  dtype,
  shape,
});

describe('load_param_into_net: exact-name pass (§9.2)', () => {
  it('loads matching names, reports the rest in net order and dict order', () => {
    const diff = diffAgainstNetwork(
      [tensor('b'), tensor('extra1'), tensor('a'), tensor('extra2')],
      [net('a'), net('missing2'), net('b'), net('missing1')],
      { strictLoad: true },
    );
    expect(diff.loaded.map((item) => [item.param, item.from, item.via])).toEqual([
      ['a', 'a', 'exact'],
      ['b', 'b', 'exact'],
    ]);
    expect(diff.param_not_load).toEqual(['missing2', 'missing1']);
    expect(diff.ckpt_not_load).toEqual(['extra1', 'extra2']);
    expect(diff.errors).toEqual([]);
    expect(diff.raises).toBeNull();
    expect(diff.warnings).toContain("['missing2', 'missing1'] are not loaded.");
  });

  it('test_load_checkpoint_sf_warnings: extra conv3.weight in the net, LeNet file with fc3.* (real checkpoint)', async () => {
    const { index } = await openCheckpoint(await fixtureSource('real', 'nsu-huawei-2022__LeNet5_5_step.ckpt'));
    const lenet = index.tensors
      .filter((t) => !t.name.startsWith('fc3.'))
      .map((t): NetworkParam => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
    const network = [...lenet, net('conv3.weight', 'Float32', [16, 16, 5, 5])];
    for (const strictLoad of [false, true]) {
      const diff = diffAgainstNetwork(index.tensors, network, { strictLoad });
      expect(diff.param_not_load).toEqual(['conv3.weight']);
      expect(new Set(diff.ckpt_not_load)).toEqual(new Set(['fc3.bias', 'fc3.weight']));
      expect(diff.loaded).toHaveLength(lenet.length);
    }
  });

  it('skips a str value silently: not loaded, not in param_not_load, still in ckpt_not_load', () => {
    const diff = diffAgainstNetwork(
      [{ name: 'note', dtype: 'str', shape: [], kind: 'string' }, tensor('w')],
      [net('note', 'Float32', []), net('w')],
    );
    expect(diff.loaded.map((item) => item.param)).toEqual(['w']);
    expect(diff.param_not_load).toEqual([]);
    expect(diff.ckpt_not_load).toEqual(['note']);
    expect(diff.skipped.map((item) => item.param)).toEqual(['note']);
  });

  it('pops random_op before anything else; later duplicates win', () => {
    const diff = diffAgainstNetwork(
      [
        { name: 'random_op', dtype: 'random_op', shape: [], kind: 'random_op' },
        tensor('w', 'Float16'),
        tensor('w', 'Float32'),
      ],
      [net('w')],
      { strictLoad: true },
    );
    expect(diff.ckpt_not_load).toEqual([]);
    expect(diff.loaded).toEqual([{ param: 'w', from: 'w', via: 'exact' }]);
  });
});

describe('load_param_into_net: prefix-recovery pass (§9.3)', () => {
  it('net {a.w, a.b} with ckpt {net.a.w, net.a.b}: both loaded, ckpt_not_load still lists both', () => {
    const diff = diffAgainstNetwork([tensor('net.a.w'), tensor('net.a.b')], [net('a.w'), net('a.b')]);
    expect(diff.loaded.map((item) => [item.param, item.from, item.via, item.prefix])).toEqual([
      ['a.w', 'net.a.w', 'prefix', 'net.'],
      ['a.b', 'net.a.b', 'prefix', 'net.'],
    ]);
    expect(diff.param_not_load).toEqual([]);
    expect(diff.ckpt_not_load).toEqual(['net.a.w', 'net.a.b']);
    expect(diff.warnings[0]).toBe("For 'load_param_into_net', remove parameter prefix name: net., continue to load.");
  });

  it('has no dot boundary: net w loads from ckpt xw with the prefix "x"', () => {
    const diff = diffAgainstNetwork([tensor('xw')], [net('w')]);
    expect(diff.loaded).toEqual([{ param: 'w', from: 'xw', via: 'prefix', prefix: 'x' }]);
  });

  it('does not run with strict_load=True', () => {
    const diff = diffAgainstNetwork([tensor('net.a.w')], [net('a.w')], { strictLoad: true });
    expect(diff.loaded).toEqual([]);
    expect(diff.param_not_load).toEqual(['a.w']);
  });

  it('applies each discovered prefix to every unloaded name by exact lookup, then looks again', () => {
    const diff = diffAgainstNetwork(
      [tensor('p.w'), tensor('q.w'), tensor('q.v'), tensor('p.u')],
      [net('w'), net('v'), net('u'), net('z')],
    );
    expect(diff.loaded.map((item) => [item.param, item.from])).toEqual([
      ['w', 'p.w'],
      ['u', 'p.u'],
      ['v', 'q.v'],
    ]);
    expect(diff.param_not_load).toEqual(['z']);
  });

  it('sentinel quirk: a prefix equal to the first unloaded name counts as "none found"', () => {
    // Unloaded ['a', 'b']; the first key ending with "a" is "aa", whose prefix "a" equals the
    // sentinel, so the search moves on to "b" (prefix "x"), and "a" is never loaded from "aa".
    const diff = diffAgainstNetwork([tensor('aa'), tensor('xb')], [net('a'), net('b')]);
    expect(diff.loaded.map((item) => [item.param, item.from])).toEqual([['b', 'xb']]);
    expect(diff.param_not_load).toEqual(['a']);
    // Only the first key ending with a name is tried ("ya" gives prefix "y" after "aa" was tried).
    const second = diffAgainstNetwork([tensor('ya'), tensor('aa')], [net('a')]);
    expect(second.loaded.map((item) => item.from)).toEqual(['ya']);
  });

  it('a str value reached through the prefix pass raises AttributeError', () => {
    const diff = diffAgainstNetwork(
      [{ name: 'net.note', dtype: 'str', shape: [], kind: 'string' }],
      [net('note', 'Float32', [])],
    );
    expect(diff.raises).toMatchObject({
      param: 'note',
      exception: 'AttributeError',
      reason: "'str' object has no attribute 'data'",
    });
  });

  it('handles only an extra prefix in the checkpoint, not in the net (and suggests the fix)', () => {
    const diff = diffAgainstNetwork([tensor('a.w')], [net('backbone.a.w')]);
    expect(diff.param_not_load).toEqual(['backbone.a.w']);
    expect(diff.suggestions[0]).toMatchObject({ param: 'backbone.a.w', candidate: 'a.w' });
  });
});

describe('_update_param rules (§9.4)', () => {
  const one = (ckpt: CheckpointParam, param: NetworkParam, strictLoad = false) =>
    diffAgainstNetwork([ckpt], [param], { strictLoad });

  it('converts within the float family and within the int family only with strict_load=False', () => {
    const pairs: [string, string][] = [
      ['Float16', 'Float32'],
      ['Float32', 'Float16'],
      ['BFloat16', 'Float32'],
      ['Float64', 'BFloat16'],
      ['Int8', 'Int64'],
      ['Int32', 'Int16'],
    ];
    for (const [from, to] of pairs) {
      const loose = one(tensor('w', from), net('w', to));
      expect(loose.loaded[0]?.cast, `${from}→${to}`).toEqual({ from, to });
      expect(loose.warnings[0]).toContain(
        `then the type convert from ${from} to ${to} in the network. May consume additional memory and time`,
      );
      const strict = one(tensor('w', from), net('w', to), true);
      expect(strict.raises?.exception).toBe('RuntimeError');
    }
  });

  it('never converts uint, bool, or across float and int (int32 into float32 raises even non-strict)', () => {
    const pairs: [string, string][] = [
      ['Int32', 'Float32'],
      ['Float32', 'Int32'],
      ['UInt8', 'Int8'],
      ['UInt8', 'UInt16'],
      ['Bool', 'Int8'],
      ['Int4', 'Int8'],
    ];
    for (const [from, to] of pairs) {
      const diff = one(tensor('w', from), net('w', to));
      expect(diff.loaded, `${from}→${to}`).toEqual([]);
      expect(diff.raises?.reason).toBe(
        `For 'load_param_into_net', w in the argument 'net' should have the same type as w in the argument 'parameter_dict'. but got its type ${to} in the argument 'net' and type ${from} in the argument 'parameter_dict'.May you need to check whether the checkpoint you loaded is correct.`,
      );
    }
  });

  it("raises RuntimeError on a shape mismatch, with MindSpore's message", () => {
    const diff = one(tensor('fc.weight', 'Float32', [10, 84]), net('fc.weight', 'Float32', [84, 10]));
    expect(diff.raises?.exception).toBe('RuntimeError');
    expect(diff.raises?.reason).toBe(
      "For 'load_param_into_net', fc.weight in the argument 'net' should have the same shape as fc.weight in the argument 'parameter_dict'. But got its shape (84, 10) in the argument 'net' and shape (10, 84) in the argument 'parameter_dict'.May you need to check whether the checkpoint you loaded is correct or the batch size and so on in the 'net' and 'parameter_dict' are same.",
    );
    expect(diff.suggestions[0]?.why).toContain('transposed');
    expect(one(tensor('b', 'Float32', [10]), net('b', 'Float32', [10, 1])).raises?.exception).toBe('RuntimeError');
    expect(one(tensor('b', 'Float32', [12, 2048, 1, 2]), net('b', 'Float32', [12, 2048])).raises?.exception).toBe(
      'RuntimeError',
    );
    // (1,) into a scalar net parameter is the GE case with no leading dims: it loads.
    expect(one(tensor('s', 'Float32', [1]), net('s', 'Float32', [])).loaded[0]?.reshape).toEqual({
      checkpoint: [1],
      net: [],
    });
    expect(one(tensor('s', 'Float32', []), net('s', 'Float32', [1])).raises?.exception).toBe('RuntimeError');
  });

  it('GE 4-D case: extra trailing 1-dims load (2.5+), only the element count is compared', () => {
    const ge = one(tensor('w', 'Float32', [12, 2048, 1, 1]), net('w', 'Float32', [12, 2048]));
    expect(ge.loaded[0]?.reshape).toEqual({ checkpoint: [12, 2048, 1, 1], net: [12, 2048] });
    expect(one(tensor('w', 'Float32', [12, 2048, 1, 1]), net('w', 'Float32', [24, 1024])).loaded).toHaveLength(1);
    const count = one(tensor('w', 'Float32', [12, 2048, 1]), net('w', 'Float32', [12, 100]));
    expect(count.raises).toMatchObject({
      exception: 'ValueError',
      reason: 'cannot reshape array of size 24576 into shape (12, 100)',
    });
    // The dtype check still runs after the reshape.
    expect(one(tensor('w', 'Int32', [4, 1]), net('w', 'Float32', [4])).raises?.exception).toBe('RuntimeError');
    expect(one(tensor('w', 'Float16', [4, 1]), net('w', 'Float32', [4])).loaded[0]?.cast).toEqual({
      from: 'Float16',
      to: 'Float32',
    });
    expect(one(tensor('w', 'Float16', [4, 1]), net('w', 'Float32', [4]), true).raises?.exception).toBe('RuntimeError');
  });

  it('GE case on a real converted checkpoint: Conv1d weight (256, 256, 1, 1) into a (256, 256) net', async () => {
    const { index } = await openCheckpoint(await fixtureSource('real', 'toolkits__troubleshooter_convert_resnet.ckpt'));
    const diff = diffAgainstNetwork(index.tensors, [
      net('conv1d.weight', 'Float32', [256, 256]),
      net('conv1d.bias', 'Float32', [256]),
    ]);
    expect(diff.loaded.map((item) => [item.param, item.reshape ?? null])).toEqual([
      ['conv1d.weight', { checkpoint: [256, 256, 1, 1], net: [256, 256] }],
      ['conv1d.bias', null],
    ]);
  });

  it('reports all errors in MindSpore order and names the first as what it raises', () => {
    const diff = diffAgainstNetwork([tensor('a', 'Int32'), tensor('b', 'Float32', [3])], [net('b'), net('a')]);
    expect(diff.errors.map((error) => error.param)).toEqual(['b', 'a']);
    expect(diff.raises?.param).toBe('b');
  });

  it('leaves what a manifest does not say unchecked', () => {
    const diff = diffAgainstNetwork([tensor('a', 'Float16', [3])], [net('a', null, null)]);
    expect(diff.loaded[0]).toMatchObject({ param: 'a', unchecked: ['shape', 'dtype'] });
  });
});

describe('name maps and suggestions', () => {
  it('applies a name map to checkpoint keys before loading and keeps the original name', () => {
    const map = compileNameMap({ exact: {}, rules: PYTORCH_TO_MINDSPORE_RULES });
    const diff = diffAgainstNetwork(
      [tensor('bn1.running_mean'), tensor('bn1.weight')],
      [net('bn1.moving_mean'), net('bn1.gamma')],
      { nameMap: map },
    );
    expect(diff.loaded.map((item) => [item.param, item.from, item.original])).toEqual([
      ['bn1.moving_mean', 'bn1.moving_mean', 'bn1.running_mean'],
      ['bn1.gamma', 'bn1.gamma', 'bn1.weight'],
    ]);
  });

  it('suggests known renames and nearest names', () => {
    const diff = diffAgainstNetwork(
      [tensor('bn1.running_mean'), tensor('layer1.conv.weigth')],
      [net('bn1.moving_mean'), net('layer1.conv.weight')],
      { strictLoad: true },
    );
    expect(diff.suggestions).toEqual([
      expect.objectContaining({ param: 'bn1.moving_mean', candidate: 'bn1.running_mean' }),
      expect.objectContaining({ param: 'layer1.conv.weight', candidate: 'layer1.conv.weigth' }),
    ]);
  });

  it('never offers a name as its own "did you mean": a shape fix on the same name is a hint, not a rename', () => {
    const diff = diffAgainstNetwork(
      [tensor('classifier.bn2.proj.bias', 'Float32', [4]), tensor('classifier.bn2.proj.weigth', 'Float32', [4, 4])],
      [net('classifier.bn2.proj.bias', 'Float32', [8]), net('classifier.bn2.proj.weight', 'Float32', [4, 4])],
    );
    expect(diff.suggestions).toEqual([
      {
        param: 'classifier.bn2.proj.weight',
        candidate: 'classifier.bn2.proj.weigth',
        kind: 'rename',
        why: expect.any(String),
      },
      {
        param: 'classifier.bn2.proj.bias',
        candidate: 'classifier.bn2.proj.bias',
        kind: 'fix',
        why: expect.stringContaining('factor of 2'),
      },
    ]);
    for (const suggestion of diff.suggestions) {
      if (suggestion.kind === 'rename') expect(suggestion.candidate).not.toBe(suggestion.param);
    }
  });

  it('reports name-map collisions', () => {
    const map = compileNameMap({ exact: { a: 'c', b: 'c' }, rules: [] });
    expect(diffAgainstNetwork([tensor('a'), tensor('b')], [net('c')], { nameMap: map }).collisions).toEqual([
      { key: 'c', from: ['a', 'b'] },
    ]);
  });
});

describe('real graph .meta files against the checkpoints saved beside them', () => {
  const pairs: [string, string][] = [
    ['ythlml-lenet__checkpoint_lenet-graph.meta', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt'],
    ['XMU_AI_ISP__checkpoint_lenet-graph.meta', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'],
    ['mindpet__checkpoint_base-graph.meta', 'mindpet__checkpoint_base-1_3.ckpt'],
  ];
  for (const [metaFile, ckptFile] of pairs) {
    it(`${metaFile} loads ${ckptFile} fully`, async () => {
      const manifest = await openManifest(await fixtureSource('real', 'manifests', metaFile), { file: metaFile });
      const { index } = await openCheckpoint(await fixtureSource('real', ckptFile));
      const diff = diffAgainstNetwork(index.tensors, manifest.params);
      const weights = manifest.params.filter((param) => !param.graphInput);
      expect(diff.errors).toEqual([]);
      expect(diff.param_not_load).toEqual([]);
      expect(diff.ckpt_not_load).toEqual([]);
      expect(diff.loaded).toHaveLength(weights.length);
      expect(diff.loaded.length).toBe(index.tensors.length);
      // The data/label (inputs0/inputs1) graph inputs are not weights.
      expect(diff.ignored).toHaveLength(2);
    });
  }

  it('ythlml (2020): learning_rate and momentum are Float64 in the file but Float32 scalars in the graph', async () => {
    const manifest = await openManifest(await fixtureSource('real', 'manifests', pairs[0]![0]));
    const { index } = await openCheckpoint(await fixtureSource('real', pairs[0]![1]));
    const loose = diffAgainstNetwork(index.tensors, manifest.params);
    expect(loose.loaded.filter((item) => item.cast).map((item) => [item.param, item.cast])).toEqual([
      ['learning_rate', { from: 'Float64', to: 'Float32' }],
      ['momentum', { from: 'Float64', to: 'Float32' }],
    ]);
    const strict = diffAgainstNetwork(index.tensors, manifest.params, { strictLoad: true });
    expect(strict.errors.map((error) => error.param)).toEqual(['learning_rate', 'momentum']);
  });

  it('another checkpoint as the manifest', async () => {
    const manifest = await openManifest(await fixtureSource('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'));
    expect(manifest.kind).toBe('checkpoint');
    const { index } = await openCheckpoint(await fixtureSource('real', 'AI-lab2__checkpoint_lenet-1_1875.ckpt'));
    const diff = diffAgainstNetwork(index.tensors, manifest.params, { strictLoad: true });
    expect(diff.errors).toEqual([]);
    expect(diff.loaded).toHaveLength(19);
  });
});

describe('parameter_dict order and safetensors', () => {
  it('safetensors keys come in sorted name order (code points), ckpt keys in file order', async () => {
    const { index } = await openCheckpoint(await fixtureSource('real', 'safetensors__samples_overall.safetensors'));
    const names = namesOf(parameterDict(index.tensors, index.format, positionsOf(index)));
    expect(names).toEqual(index.tensors.map((entry) => entry.name).sort());
    const ckpt = await openCheckpoint(await fixtureSource('real', 'nsu-huawei-2022__LeNet5_5_step.ckpt'));
    expect(namesOf(parameterDict(ckpt.index.tensors, ckpt.index.format, positionsOf(ckpt.index)))).toEqual(
      ckpt.index.tensors.map((entry) => entry.name),
    );
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0); // UTF-16 order says the opposite
  });

  it('a safetensors file as the manifest loads itself fully', async () => {
    const manifest = await openManifest(await fixtureSource('real', 'lora-imdb-distilbert__adapter_model.safetensors'));
    expect(manifest.kind).toBe('checkpoint');
    const { index } = await openCheckpoint(
      await fixtureSource('real', 'lora-imdb-distilbert__adapter_model.safetensors'),
    );
    const diff = diffAgainstNetwork(parameterDict(index.tensors, index.format, positionsOf(index)), manifest.params, {
      strictLoad: true,
    });
    expect(diff.loaded).toHaveLength(index.tensors.length);
    expect(diff.param_not_load).toEqual([]);
  });
});
