import { openAsBlob } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEntryBytes } from '../core/distributed/boxes';
import { openCheckpoint } from '../core/open';
import { encryptBytes } from '../crypto/encrypt';
import { BlobSource } from '../io/byte-source';
import { folderFiles } from '../test/distributed';
import { fixtureBytes, fixturePath } from '../test/fixtures';
import { createMemberApi } from './export-member-api';
import { setMemberSpawner, type PoolMember } from './export-pool';
import { distributedApi, type SetExportRequest, type SetFileInput } from './features/distributed';
import { cancelJob } from './registry';
import type { SetData } from '../core/distributed';

/**
 * The export pool in Node: there is no Web Worker here, so each member is the real member API
 * (export-member-api.ts, what export-member.ts exposes in a Worker) run in process. The e2e test
 * runs real Workers in Chromium.
 */

interface Spawned {
  opened: boolean;
  terminated: boolean;
  runs: number;
}

let spawned: Spawned[] = [];
/** Lets a test change what a member is given or does. */
let tweak: { data?: (data: SetData) => SetData; hang?: boolean } = {};

function inProcessMember(): PoolMember {
  const api = createMemberApi();
  const state: Spawned = { opened: false, terminated: false, runs: 0 };
  spawned.push(state);
  return {
    open: async (data) => {
      state.opened = true;
      await api.open(tweak.data ? tweak.data(data) : data);
    },
    run: (task, onProgress) => {
      state.runs += 1;
      if (tweak.hang) return new Promise(() => undefined);
      return api.run(task, onProgress);
    },
    cancel: async () => api.cancel(),
    terminate: () => {
      state.terminated = true;
      api.close();
    },
  };
}

beforeEach(() => {
  spawned = [];
  tweak = {};
  setMemberSpawner(inProcessMember);
});
afterEach(() => setMemberSpawner(null));

let counter = 0;
const ids = (): { setId: string; jobId: string } => ({ setId: `pool-s${++counter}`, jobId: `pool-j${counter}` });

const mergedRequest = (setId: string, jobId: string, extra: Partial<SetExportRequest> = {}): SetExportRequest => ({
  setId,
  jobId,
  format: 'safetensors',
  filterText: '',
  nameMap: null,
  cast: null,
  includeExtras: true,
  partBytes: null,
  metadataFormat: 'ms',
  ...extra,
});

const bytesOf = async (blob: Blob | undefined): Promise<Uint8Array> => {
  if (!blob) throw new Error('no blob');
  return new Uint8Array(await blob.arrayBuffer());
};

/** Every tensor of the export equals expected_merged's: name, dtype, shape and bytes. */
async function expectMergedTensors(blob: Blob | undefined, caseName: string): Promise<void> {
  const got = await openCheckpoint(new BlobSource(blob as Blob));
  const expected = await openCheckpoint(
    new BlobSource(await openAsBlob(fixturePath('distributed', caseName, 'expected_merged.safetensors'))),
  );
  const sorted = (names: string[]) => [...names].sort();
  expect(sorted(got.index.tensors.map((t) => t.name))).toEqual(sorted(expected.index.tensors.map((t) => t.name)));
  for (const entry of expected.index.tensors) {
    const mine = got.index.tensors.find((t) => t.name === entry.name);
    if (!mine) throw new Error(entry.name);
    expect([mine.dtype, mine.shape], entry.name).toEqual([entry.dtype, entry.shape]);
    expect(await readEntryBytes(got.plaintext, mine, 0, mine.bytes), entry.name).toEqual(
      await readEntryBytes(expected.plaintext, entry, 0, entry.bytes),
    );
  }
}

function expectAllTerminated(count: number): void {
  expect(spawned).toHaveLength(count);
  expect(spawned.every((member) => member.opened && member.terminated)).toBe(true);
}

describe('set export on the pool', () => {
  for (const [caseName, processes] of [
    ['case1_tp_dp', 2],
    ['case2_opt_shard', 3],
    ['case3_pipeline', 2],
  ] as const) {
    it(`${caseName}: ${processes} members each write a byte range; same file as one worker, tensors as expected_merged`, async () => {
      const request = { ...ids(), files: await folderFiles('distributed', caseName) };
      const opened = await distributedApi.openSet(request);
      expect(opened.status).toBe('ready');
      const progress: number[] = [];
      const exported = await distributedApi.exportSet(
        mergedRequest(request.setId, `${request.jobId}-x`, { processes }),
        (fraction) => progress.push(fraction),
      );
      expect(exported.processes).toBe(processes);
      expectAllTerminated(processes);
      const pooled = await bytesOf(exported.outputs[0]?.blob);
      expect(exported.outputs[0]?.size).toBe(pooled.length);
      expect(progress.at(-1)).toBe(1);
      expect(progress.every((value, i) => i === 0 || value >= (progress[i - 1] as number))).toBe(true);
      // The single-worker path writes the same file.
      const alone = await distributedApi.exportSet(
        mergedRequest(request.setId, `${request.jobId}-y`, { processes: 1 }),
      );
      expect(alone.processes).toBe(1);
      expect(pooled).toEqual(await bytesOf(alone.outputs[0]?.blob));
      await expectMergedTensors(exported.outputs[0]?.blob, caseName);
      // Where every tensor has one dtype the safetensors library's order (dtype, then name) is name
      // order, as in the fixture: then the whole file is the fixture, bit for bit.
      if (caseName !== 'case1_tp_dp') {
        expect(pooled).toEqual(fixtureBytes('distributed', caseName, 'expected_merged.safetensors'));
      }
    });
  }

  it('unified parts (.ckpt): one part per member, every file identical to the single-worker export', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case2_opt_shard') };
    await distributedApi.openSet(request);
    const options = { format: 'ckpt' as const, partBytes: 200, metadataFormat: null };
    const alone = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-a`, { ...options, processes: 1 }),
    );
    const pooled = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-b`, { ...options, processes: 2 }),
    );
    expect(alone.outputs.length).toBeGreaterThan(2);
    expect(pooled.processes).toBe(2);
    expectAllTerminated(2);
    expect(spawned.reduce((sum, member) => sum + member.runs, 0)).toBe(alone.outputs.length - 1);
    expect(pooled.outputs.map((o) => o.fileName)).toEqual(alone.outputs.map((o) => o.fileName));
    expect(pooled.parameterCount).toBe(alone.parameterCount);
    for (const [i, output] of pooled.outputs.entries()) {
      expect(await bytesOf(output.blob), output.fileName).toEqual(await bytesOf(alone.outputs[i]?.blob));
    }
  });

  it('a Float32→Float16 cast split across members: same bytes, same cast report', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case2_opt_shard') };
    await distributedApi.openSet(request);
    const cast = { from: 'Float32', to: 'Float16' };
    const alone = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-a`, { cast, processes: 1 }),
    );
    const pooled = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-b`, { cast, processes: 3 }),
    );
    expect(pooled.processes).toBeGreaterThan(1);
    expect(await bytesOf(pooled.outputs[0]?.blob)).toEqual(await bytesOf(alone.outputs[0]?.blob));
    const byName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(byName(pooled.castReport)).toEqual(byName(alone.castReport));
    // w1 and adam_m.w1 [8, 16], w2 and emb [8, 4], b [16]: every element converted exactly once.
    expect(pooled.castReport.reduce((sum, entry) => sum + entry.elements, 0)).toBe(128 + 128 + 32 + 32 + 16);
  });

  it('encrypted rank files: members get the key and the frame tables, and merge bit for bit', async () => {
    const key = new Uint8Array(32).fill(7);
    const files: SetFileInput[] = [
      {
        path: 'set/strategy.ckpt',
        file: new Blob([fixtureBytes('distributed', 'case1_tp_dp', 'strategy.ckpt') as Uint8Array<ArrayBuffer>]),
      },
    ];
    for (let rank = 0; rank < 8; rank += 1) {
      const plain = fixtureBytes('distributed', 'case1_tp_dp', `rank_${rank}`, `checkpoint_${rank}.ckpt`);
      const bytes = rank % 3 === 0 ? await encryptBytes(plain, { mode: 'SM4-CBC', key: key.slice(0, 16) }) : plain;
      files.push({
        path: `set/rank_${rank}/checkpoint_${rank}.ckpt`,
        file: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      });
    }
    const request = { ...ids(), files, key: key.slice(0, 16) };
    const opened = await distributedApi.openSet(request);
    expect(opened.ranks.filter((r) => r.encrypted).map((r) => r.rank)).toEqual([0, 3, 6]);
    const exported = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-x`, { processes: 2 }),
    );
    expect(exported.processes).toBe(2);
    await expectMergedTensors(exported.outputs[0]?.blob, 'case1_tp_dp');
    const alone = await distributedApi.exportSet(mergedRequest(request.setId, `${request.jobId}-y`, { processes: 1 }));
    expect(await bytesOf(exported.outputs[0]?.blob)).toEqual(await bytesOf(alone.outputs[0]?.blob));
  });
});

describe('re-slice on the pool', () => {
  it('case1 rank 3 split over 2 members equals its own shard; all 8 ranks over 3 members equal the single worker', async () => {
    const { setId, jobId } = ids();
    await distributedApi.openSet({ setId, jobId, files: await folderFiles('distributed', 'case1_tp_dp') });
    const strategyFile = await openAsBlob(fixturePath('distributed', 'case1_tp_dp', 'strategy.ckpt'));
    const base = { setId, strategyFile, strategyName: 'strategy.ckpt', format: 'safetensors' as const };
    const one = await distributedApi.resliceSet({ ...base, jobId: `${jobId}-3`, rank: 3, processes: 2 });
    expect(one.processes).toBe(2);
    expect(one.outputs.map((o) => o.fileName)).toEqual(['rank_3/net.safetensors']);
    const got = await openCheckpoint(new BlobSource(one.outputs[0]?.blob as Blob));
    const own = await openCheckpoint(
      new BlobSource(await openAsBlob(fixturePath('distributed', 'case1_tp_dp', 'rank_3', 'checkpoint_3.safetensors'))),
    );
    const shapes = (tensors: { name: string; shape: number[] }[]) =>
      tensors.map((t) => `${t.name} ${JSON.stringify(t.shape)}`).sort();
    expect(shapes(got.index.tensors)).toEqual(shapes(own.index.tensors));
    for (const entry of own.index.tensors) {
      const mine = got.index.tensors.find((t) => t.name === entry.name) ?? entry;
      expect(await readEntryBytes(got.plaintext, mine, 0, mine.bytes), entry.name).toEqual(
        await readEntryBytes(own.plaintext, entry, 0, entry.bytes),
      );
    }
    const alone3 = await distributedApi.resliceSet({ ...base, jobId: `${jobId}-3a`, rank: 3, processes: 1 });
    expect(await bytesOf(one.outputs[0]?.blob)).toEqual(await bytesOf(alone3.outputs[0]?.blob));

    spawned = [];
    const alone = await distributedApi.resliceSet({ ...base, jobId: `${jobId}-a1`, rank: null, processes: 1 });
    expect(spawned).toHaveLength(0);
    const pooled = await distributedApi.resliceSet({ ...base, jobId: `${jobId}-a3`, rank: null, processes: 3 });
    expect(pooled.processes).toBe(3);
    expectAllTerminated(3);
    expect(pooled.outputs.map((o) => o.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [i, output] of pooled.outputs.entries()) {
      expect(await bytesOf(output.blob), output.fileName).toEqual(await bytesOf(alone.outputs[i]?.blob));
    }
  });
});

describe('pool failures and cancel', () => {
  it("a member's typed error surfaces as the same LensError, and every member is terminated", async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case1_tp_dp') };
    await distributedApi.openSet(request);
    // One member is handed a rank file cut short (as if it changed on disk after opening).
    let handed = 0;
    tweak.data = (data) => {
      handed += 1;
      if (handed !== 2) return data;
      return {
        ...data,
        ranks: data.ranks.map((rank) => (rank.rank === 4 ? { ...rank, file: rank.file.slice(0, 40) } : rank)),
      };
    };
    await expect(
      distributedApi.exportSet(mergedRequest(request.setId, `${request.jobId}-x`, { processes: 2 })),
    ).rejects.toMatchObject({ name: 'LensError', code: 'read-failed' });
    expectAllTerminated(2);
  });

  it('cancel rejects with AbortError even while members never answer, and terminates them', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case1_tp_dp') };
    await distributedApi.openSet(request);
    tweak.hang = true;
    const jobId = `${request.jobId}-cancel`;
    const running = distributedApi.exportSet(mergedRequest(request.setId, jobId, { processes: 2 }));
    for (let i = 0; i < 100 && spawned.filter((m) => m.runs > 0).length < 2; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(spawned.filter((m) => m.runs > 0)).toHaveLength(2);
    cancelJob(jobId);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expectAllTerminated(2);
  });
});

/** An in-memory stand-in for File System Access handles (Node has none): commits on close only. */
class MemoryFile {
  readonly kind = 'file';
  content: Buffer | null = null;
  aborted = false;
  writes = 0;
  constructor(private readonly failAtWrite = 0) {}
  async createWritable() {
    const chunks: Buffer[] = [];
    return {
      write: async (data: Blob | Uint8Array | string) => {
        this.writes += 1;
        if (this.writes === this.failAtWrite) throw new DOMException('The disk is full.', 'QuotaExceededError');
        chunks.push(
          data instanceof Blob ? Buffer.from(await data.arrayBuffer()) : Buffer.from(data as Uint8Array | string),
        );
      },
      close: async () => {
        this.content = Buffer.concat(chunks);
      },
      abort: async () => {
        this.aborted = true;
      },
    };
  }
}

class MemoryFolder {
  readonly kind = 'directory';
  readonly entries = new Map<string, MemoryFile | MemoryFolder>();
  async getDirectoryHandle(name: string) {
    const entry = this.entries.get(name) ?? new MemoryFolder();
    this.entries.set(name, entry);
    return entry;
  }
  async getFileHandle(name: string) {
    const entry = this.entries.get(name) ?? new MemoryFile();
    this.entries.set(name, entry);
    return entry;
  }
}

describe('pool writes into chosen files and folders', () => {
  it('ranges are appended in order into one file; parts and rank folders are written by their members', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case2_opt_shard') };
    await distributedApi.openSet(request);
    const file = new MemoryFile();
    const one = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-f`, {
        processes: 3,
        target: file as unknown as FileSystemFileHandle,
      }),
    );
    expect(one.processes).toBe(3);
    expect(one.outputs[0]?.blob).toBeUndefined();
    expect(file.content?.equals(fixtureBytes('distributed', 'case2_opt_shard', 'expected_merged.safetensors'))).toBe(
      true,
    );

    const folder = new MemoryFolder();
    const parts = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-d`, {
        processes: 2,
        partBytes: 200,
        target: folder as unknown as FileSystemDirectoryHandle,
      }),
    );
    const alone = await distributedApi.exportSet(
      mergedRequest(request.setId, `${request.jobId}-a`, { processes: 1, partBytes: 200 }),
    );
    expect([...folder.entries.keys()].sort()).toEqual(parts.outputs.map((o) => o.fileName).sort());
    for (const output of alone.outputs) {
      const written = folder.entries.get(output.fileName) as MemoryFile;
      expect(written.content?.equals(Buffer.from(await bytesOf(output.blob))), output.fileName).toBe(true);
    }

    const ranks = new MemoryFolder();
    const strategyFile = await openAsBlob(fixturePath('distributed', 'case2_opt_shard', 'strategy.ckpt'));
    const base = { setId: request.setId, strategyFile, strategyName: 'strategy.ckpt', format: 'ckpt' as const };
    await distributedApi.resliceSet({
      ...base,
      jobId: `${request.jobId}-r`,
      rank: null,
      processes: 3,
      target: ranks as unknown as FileSystemDirectoryHandle,
    });
    const blobs = await distributedApi.resliceSet({ ...base, jobId: `${request.jobId}-rb`, rank: null, processes: 1 });
    for (const output of blobs.outputs) {
      const dir = ranks.entries.get(`rank_${output.rank}`) as MemoryFolder;
      const written = dir.entries.get('net.ckpt') as MemoryFile;
      expect(written.content?.equals(Buffer.from(await bytesOf(output.blob))), output.fileName).toBe(true);
    }
  });

  it('a failed write aborts the file (nothing committed) and stops every member', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case2_opt_shard') };
    await distributedApi.openSet(request);
    const file = new MemoryFile(2);
    await expect(
      distributedApi.exportSet(
        mergedRequest(request.setId, `${request.jobId}-f`, {
          processes: 3,
          target: file as unknown as FileSystemFileHandle,
        }),
      ),
    ).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(file.aborted).toBe(true);
    expect(file.content).toBeNull();
    expectAllTerminated(3);
  });
});
