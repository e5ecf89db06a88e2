import { openAsBlob, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEntryBytes } from '../core/distributed/boxes';
import type { RankFile } from '../core/distributed/merge';
import { openRankFiles } from '../core/distributed/set';
import { scanSafetensors } from '../formats/safetensors/scan';
import { combineStageStrategies, readStrategy, type ParallelStrategy } from '../formats/strategy';
import { BlobSource } from '../io/byte-source';

/**
 * Helpers for the distributed fixtures (../shared/fixtures/distributed). The paths are worked
 * out as in ./fixtures.ts (not imported, so each helper stands alone).
 */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures');
const fixturePath = (...parts: string[]): string => path.join(FIXTURES, ...parts);
const fixtureSource = async (...parts: string[]): Promise<BlobSource> =>
  new BlobSource(await openAsBlob(fixturePath(...parts)));

const DIST = 'distributed';

export async function caseStrategy(caseName: string, ...files: string[]): Promise<ParallelStrategy> {
  const parsed = await Promise.all(
    files.map(async (file) => readStrategy(await fixtureSource(DIST, caseName, file), { fileName: file })),
  );
  return combineStageStrategies(parsed);
}

export async function caseRanks(caseName: string, extension: 'ckpt' | 'safetensors'): Promise<RankFile[]> {
  const dirs = readdirSync(fixturePath(DIST, caseName)).filter((name) => name.startsWith('rank_'));
  const inputs = await Promise.all(
    dirs.map(async (dir) => {
      const rank = dir.slice('rank_'.length);
      const name = `${caseName}/${dir}/checkpoint_${rank}.${extension}`;
      return { name, source: await fixtureSource(DIST, caseName, dir, `checkpoint_${rank}.${extension}`) };
    }),
  );
  return openRankFiles(inputs);
}

/** name → bytes of every tensor of the case's expected_merged.safetensors. */
export async function expectedTensors(
  caseName: string,
): Promise<Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>> {
  const source = await fixtureSource(DIST, caseName, 'expected_merged.safetensors');
  const index = await scanSafetensors(source);
  const out = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
  for (const entry of index.tensors) {
    out.set(entry.name, {
      dtype: entry.dtype,
      shape: entry.shape,
      bytes: await readEntryBytes(source, entry, 0, entry.bytes),
    });
  }
  return out;
}

/** Every file under a fixture folder as a folder pick gives them: webkitRelativePath + Blob. */
export async function folderFiles(...parts: string[]): Promise<{ path: string; file: Blob }[]> {
  const root = fixturePath(...parts);
  const top = path.basename(root);
  const out: { path: string; file: Blob }[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) await walk(full, `${relative}/${name}`);
      else out.push({ path: `${relative}/${name}`, file: await openAsBlob(full) });
    }
  };
  await walk(root, top);
  return out;
}
