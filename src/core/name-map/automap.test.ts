import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { normalizeDtypeName } from '../../formats/manifest/dtype-names';
import { parseManifestBytes } from '../../formats/manifest/parse';
import type { NetworkParam } from '../../formats/manifest/types';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { diffAgainstNetwork } from '../load-rules';
import { inferLayer, proposeAutoMap } from './automap';
import { compileNameMap } from './name-map';
import { PYTORCH_TO_MINDSPORE_RULES } from './presets';

interface TorchTensor {
  name: string;
  dtype: string;
  shape: number[];
}
const MANIFEST = JSON.parse(readFileSync(fixturePath('pytorch', 'MANIFEST.json'), 'utf8')) as {
  files: Record<string, { tensors: TorchTensor[] }>;
  mindspore_net: { file: string; map: Record<string, string | null> };
};

/** tiny_cnn.pt's state_dict as the index a reader would give (names, MindSpore dtypes, shapes). */
const TINY_CNN: TensorEntry[] = (MANIFEST.files['tiny_cnn.pt'] as { tensors: TorchTensor[] }).tensors.map((t) => ({
  name: t.name,
  dtype: normalizeDtypeName(`torch.${t.dtype}`) ?? t.dtype,
  shape: t.shape,
  kind: 'tensor',
  bytes: 0,
  ranges: [],
}));
const NET = parseManifestBytes(fixtureBytes('pytorch', MANIFEST.mindspore_net.file), MANIFEST.mindspore_net.file);
const INTENDED = MANIFEST.mindspore_net.map;

describe('proposeAutoMap on tiny_cnn', () => {
  it('maps every torch key onto the name MANIFEST.json intends, and the load check goes green', () => {
    expect(TINY_CNN.every((t) => /^(Float32|Int64)$/.test(t.dtype))).toBe(true);
    const before = diffAgainstNetwork(TINY_CNN, NET.params);
    expect(before.param_not_load.length).toBeGreaterThan(0);

    const result = proposeAutoMap(TINY_CNN, NET.params);
    const renamed = Object.fromEntries(
      Object.entries(INTENDED).filter((pair): pair is [string, string] => pair[1] !== null && pair[0] !== pair[1]),
    );
    expect(result.exact).toEqual(renamed);
    expect(result.notNeeded.map((n) => n.from).sort()).toEqual(
      Object.keys(INTENDED)
        .filter((name) => INTENDED[name] === null)
        .sort(),
    );
    expect(new Set(result.proposals.map((p) => p.layer))).toEqual(new Set(['BatchNorm']));

    const after = diffAgainstNetwork(TINY_CNN, NET.params, {
      nameMap: compileNameMap({ exact: result.exact, rules: [] }),
    });
    expect(after.param_not_load).toEqual([]);
    expect(after.errors).toEqual([]);
    expect(after.loaded.map((l) => l.param).sort()).toEqual(NET.params.map((p) => p.name).sort());
    expect(after.ckpt_not_load.sort()).toEqual(result.notNeeded.map((n) => n.from).sort());
  });

  it('proposes nothing more once the pytorch-to-mindspore preset already renamed everything', () => {
    const preset = compileNameMap({ exact: {}, rules: PYTORCH_TO_MINDSPORE_RULES });
    const result = proposeAutoMap(TINY_CNN, NET.params, preset);
    expect(result.proposals).toEqual([]);
    // The buffer is still reported: the network has no place for it.
    expect(result.notNeeded.map((n) => n.from).sort()).toEqual(['bn1.num_batches_tracked', 'bn2.num_batches_tracked']);
  });

  it('applies the user rules first and keys the proposals by the checkpoint name', () => {
    const ddp = TINY_CNN.map((t) => ({ ...t, name: `module.${t.name}` }));
    const strip = compileNameMap({ exact: {}, rules: [{ pattern: '^module\\.', replacement: '' }] });
    const result = proposeAutoMap(ddp, NET.params, strip);
    expect(result.exact['module.bn1.running_var']).toBe('bn1.moving_variance');
    const spec = { exact: result.exact, rules: strip.spec.rules };
    const after = diffAgainstNetwork(ddp, NET.params, { nameMap: compileNameMap(spec) });
    expect(after.param_not_load).toEqual([]);
  });
});

const t = (name: string, shape: number[]): TensorEntry => ({
  name,
  dtype: 'Float32',
  shape,
  kind: 'tensor',
  bytes: 0,
  ranges: [],
});
const p = (name: string, shape: number[] | null): NetworkParam => ({ name, dtype: 'Float32', shape });

describe('layer inference from siblings and shapes', () => {
  it('maps LayerNorm weight/bias and an Embedding weight whatever the modules are called', () => {
    const ckpt = [t('blocks.0.a.weight', [32]), t('blocks.0.a.bias', [32]), t('tok.weight', [100, 32])];
    const net = [p('blocks.0.a.gamma', [32]), p('blocks.0.a.beta', [32]), p('tok.embedding_table', [100, 32])];
    const result = proposeAutoMap(ckpt, net);
    expect(result.proposals.map((x) => [x.from, x.param, x.layer])).toEqual([
      ['blocks.0.a.weight', 'blocks.0.a.gamma', 'LayerNorm/GroupNorm'],
      ['blocks.0.a.bias', 'blocks.0.a.beta', 'LayerNorm/GroupNorm'],
      ['tok.weight', 'tok.embedding_table', 'Embedding'],
    ]);
  });

  it('does not take a module for a norm layer from its name alone', () => {
    // Called "norm", but a 2-d weight with a 1-d bias is a Linear: no gamma/beta proposal.
    const ckpt = [t('norm.weight', [8, 8]), t('norm.bias', [8])];
    expect(proposeAutoMap(ckpt, [p('norm.gamma', [8, 8]), p('norm.beta', [8])]).proposals).toEqual([]);
  });

  it('requires equal shapes', () => {
    const ckpt = [t('bn.weight', [8]), t('bn.bias', [8]), t('bn.running_mean', [8]), t('bn.running_var', [8])];
    const result = proposeAutoMap(ckpt, [p('bn.gamma', [16]), p('bn.beta', [8]), p('bn.moving_mean', null)]);
    expect(result.proposals.map((x) => x.param)).toEqual(['bn.beta']);
  });

  it('does not guess ambiguous modules', () => {
    // A lone 1-d weight (RMSNorm? PReLU?), BatchNorm stats of unequal shapes, unknown siblings.
    expect(inferLayer(new Map([['weight', [8]]]))).toBeNull();
    expect(
      inferLayer(
        new Map([
          ['running_mean', [8]],
          ['running_var', [4]],
        ]),
      ),
    ).toBeNull();
    expect(
      inferLayer(
        new Map([
          ['weight', [8]],
          ['bias', [8]],
          ['scale', [8]],
        ]),
      ),
    ).toBeNull();
    // A 2-d weight alone whose module the network knows as a Linear loads as is: nothing to propose.
    expect(proposeAutoMap([t('head.weight', [10, 16])], [p('head.weight', [10, 16])]).proposals).toEqual([]);
    // A 2-d weight alone is also a bias-free Linear; with no embedding_table in the network, nothing.
    expect(proposeAutoMap([t('proj.weight', [10, 16])], [p('proj.kernel', [10, 16])]).proposals).toEqual([]);
  });

  it('prototype-named leaves: names like constructor/__proto__ are plain names', () => {
    const ckpt = [t('m.constructor', [8]), t('m.__proto__', [8]), t('m.toString', [8])];
    expect(proposeAutoMap(ckpt, [p('m.gamma', [8])])).toEqual({ proposals: [], notNeeded: [], exact: {} });
  });
});
