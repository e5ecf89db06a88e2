import * as Comlink from 'comlink';
import { LensError } from '../base/errors';
import { ProgressTally, runPool } from '../core/export/parallel';
import type { MemberApi, MemberResult, MemberTask } from './export-member-api';
import type { SetData } from '../core/distributed';
import { installTransferHandlers } from './transfer';

/**
 * The export pool (MindSpore's max_process_num for merge and re-slice): members are Workers
 * started from the app worker for one job, given the set's plain data once, fed units as they
 * free up, and terminated when the job ends — done, failed or cancelled — so their memory (and
 * any key) goes with them.
 */

/** What the pool needs of a member; a Worker behind comlink, or an in-process one in Node tests. */
export interface PoolMember {
  open(data: SetData): Promise<void>;
  run(task: MemberTask, onProgress: (done: number) => void): Promise<MemberResult>;
  cancel(): Promise<void>;
  terminate(): void;
}

function workerMember(): PoolMember {
  installTransferHandlers();
  const worker = new Worker(new URL('./export-member.ts', import.meta.url), {
    type: 'module',
    name: 'ckpt-lens-export',
  });
  const api = Comlink.wrap<MemberApi>(worker);
  return {
    open: (data) => api.open(data),
    run: (task, onProgress) => api.run(task, Comlink.proxy(onProgress)),
    cancel: () => api.cancel(),
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

let spawnMember: () => PoolMember = () => {
  if (typeof Worker === 'undefined') {
    throw new LensError('internal', { hint: 'no Worker here to run the export pool' });
  }
  return workerMember();
};

/** Replace how members are started (Node unit tests, where no Web Worker exists); null restores. */
export function setMemberSpawner(spawn: (() => PoolMember) | null): void {
  spawnMember = spawn ?? workerMember;
}

/** How long cancelled members get to abort their open files before they are terminated. */
const CANCEL_GRACE_MS = 500;

export interface PoolRunOptions {
  signal: AbortSignal;
  /** Bytes each task will produce, for progress. */
  sizes: readonly number[];
  onProgress?: (fraction: number) => void;
  /** Called as each task finishes (in completion order), e.g. to stream finished ranges out. */
  onResult?: (index: number, result: MemberResult) => void;
}

/**
 * Run `tasks` on up to `size` members. Results come back in task order; the first member error
 * (a LensError, with its sentence) rejects the whole run and stops the others.
 */
export async function runOnPool(
  data: SetData,
  tasks: readonly MemberTask[],
  size: number,
  options: PoolRunOptions,
): Promise<MemberResult[]> {
  const members: (Promise<PoolMember> | undefined)[] = [];
  const spawned: PoolMember[] = [];
  const running = new Set<Promise<unknown>>();
  const tally = new ProgressTally(options.sizes, options.onProgress);
  const memberFor = (slot: number): Promise<PoolMember> => {
    let member = members[slot];
    if (!member) {
      const created = spawnMember();
      spawned.push(created);
      member = created.open(data).then(() => created);
      members[slot] = member;
    }
    return member;
  };
  let failed = false;
  try {
    return await runPool(
      tasks,
      size,
      async (task, index, slot) => {
        const member = await memberFor(slot);
        const result = member.run(task, (done) => tally.set(index, done));
        running.add(result);
        try {
          const value = await result;
          tally.set(index, options.sizes[index] ?? 0);
          options.onResult?.(index, value);
          return value;
        } finally {
          running.delete(result);
        }
      },
      { signal: options.signal },
    );
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (failed && running.size > 0) {
      // Let members abort their writables (nothing half-written is committed), briefly.
      for (const member of spawned) void member.cancel().catch(() => undefined);
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS)),
      ]);
    }
    for (const member of spawned) member.terminate();
  }
}
