/**
 * Saved fuzz failures, replayed as named tests (regressions.test.ts). A case is saved as its
 * recipe — target, seed and iteration, which regenerate the same input from the fixtures — not
 * as bytes: the inputs are mutated fixtures, which stay outside the repository. The mutation
 * label is kept too, so a generator change that would silently replay something else fails
 * loudly instead. Add a case with the line `npm run fuzz` prints: "replay: … --seed S --target T
 * --iteration I" (run with --target T, so the iteration means the same input).
 */
import { iterationPrng } from './harness';
import type { FuzzCase, FuzzTarget } from './types';

export interface SavedFailure {
  /** The attack, as the test's name. */
  attack: string;
  target: string;
  seed: number;
  iteration: number;
  /** The generator's label for the case when it was saved. */
  label: string;
  /** What it broke when found, and where the fix lives. */
  found: string;
}

export const SAVED_FAILURES: readonly SavedFailure[] = [
  {
    attack: 'a pipeline rank file whose extra tensor content length varint is cut from 64 to 1 byte (merge, export)',
    target: 'merge',
    seed: 1,
    iteration: 7643,
    label: 'case3_pipeline/rank_0/checkpoint_0.ckpt: varint@32=1',
    found:
      'the merged view lost the size problem and the export crashed in the ckpt writer (fixed in core/distributed)',
  },
  {
    attack:
      'a .ckpt tensor record whose length varint is set to 1, so the walker re-reads the file (read amplification)',
    target: 'open',
    seed: 7,
    iteration: 57000,
    label: 'real/mindpet__checkpoint_base-1_3.ckpt: varint@491086=1',
    found:
      'read 815,055,651 bytes of a 576,347-byte file in 40,531 reads; OPEN until the formats/ckpt fix (another branch) merges',
  },
  {
    attack: 'a safetensors "shape" whose element is a list nested thousands deep',
    target: 'scan-safetensors',
    seed: 8080,
    iteration: 9779,
    label: 'crafted-safetensors(5 entries)',
    found:
      'RangeError (maximum call stack) from JSON.stringify in the sentence for a bad shape; it names the kind of value now (formats/safetensors/scan.ts)',
  },
];

/** The input a saved failure names, regenerated; throws if the generator now makes another one. */
export function regenerate(saved: SavedFailure, targets: readonly FuzzTarget[]): FuzzCase {
  const target = targets.find((candidate) => candidate.name === saved.target);
  if (!target) throw new Error(`no fuzz target "${saved.target}"`);
  const input: FuzzCase = { target: target.name, ...target.generate(iterationPrng(saved.seed, saved.iteration)) };
  if (input.label !== saved.label) {
    throw new Error(
      `seed ${saved.seed} iteration ${saved.iteration} of "${saved.target}" now generates "${input.label}", not the saved "${saved.label}": the generator changed; find the case again and update its recipe`,
    );
  }
  return input;
}
