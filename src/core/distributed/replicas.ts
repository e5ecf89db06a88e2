import { DISTRIBUTED_CHUNK_BYTES } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import { readEntryBytes } from './boxes';
import type { RankFile } from './merge';
import type { ParameterPlan, SetLayout } from './types';

export interface ReplicaDifference {
  rank: number;
  /** The rank the merge reads (the lowest present holder of the same box). */
  against: number;
  /** First differing byte of the slice, or -1 when the lengths differ. */
  firstDifferentByte: number;
}

export interface ReplicaReport {
  name: string;
  /** Slices compared with their group's source. */
  compared: number;
  differences: ReplicaDifference[];
}

export interface ReplicaCheckOptions {
  /** Only these parameters (default: all). */
  names?: readonly string[];
  signal?: AbortSignal;
  /** Bytes compared so far and the total to compare. */
  onProgress?: (done: number, total: number) => void;
}

function entryIn(file: RankFile | undefined, name: string): TensorEntry | undefined {
  return file?.opened.index.tensors.find((entry) => entry.name === name && entry.kind !== 'map');
}

/** Pairs (replica, source) of one parameter whose bytes should be identical. */
function pairsOf(plan: ParameterPlan): { rank: number; against: number }[] {
  if (plan.kind === 'extra') {
    const [first, ...others] = plan.replicaGroups[0] ?? [];
    return first === undefined ? [] : others.map((rank) => ({ rank, against: first }));
  }
  const pairs: { rank: number; against: number }[] = [];
  const byBox = new Map<string, number[]>();
  for (const holding of plan.holdings) {
    if (!holding.present) continue;
    const key = JSON.stringify(holding.box);
    byBox.set(key, [...(byBox.get(key) ?? []), holding.rank]);
  }
  for (const group of byBox.values()) {
    const [first, ...others] = group;
    if (first !== undefined) for (const rank of others) pairs.push({ rank, against: first });
  }
  return pairs;
}

/**
 * Compare every replica's bytes with the slice the merge reads (MindSpore never does: it takes
 * one holder and trusts the rest). Reads every replica once, window by window.
 */
export async function checkReplicas(
  files: readonly RankFile[],
  layout: SetLayout,
  options: ReplicaCheckOptions = {},
): Promise<ReplicaReport[]> {
  const byRank = new Map(files.map((file) => [file.rank, file]));
  const wanted = options.names ? new Set(options.names) : null;
  const work = layout.parameters
    .filter((plan) => !wanted || wanted.has(plan.name))
    .map((plan) => ({ plan, pairs: pairsOf(plan) }));
  const sizeOf = (rank: number, name: string): number => entryIn(byRank.get(rank), name)?.bytes ?? 0;
  const total = work.reduce(
    (sum, { plan, pairs }) => sum + pairs.reduce((s, p) => s + 2 * sizeOf(p.rank, plan.name), 0),
    0,
  );
  let done = 0;
  const reports: ReplicaReport[] = [];
  for (const { plan, pairs } of work) {
    const differences: ReplicaDifference[] = [];
    for (const { rank, against } of pairs) {
      const replicaFile = byRank.get(rank);
      const sourceFile = byRank.get(against);
      const replica = entryIn(replicaFile, plan.name);
      const source = entryIn(sourceFile, plan.name);
      if (!replicaFile || !sourceFile || !replica || !source) continue;
      if (replica.bytes !== source.bytes) {
        differences.push({ rank, against, firstDifferentByte: -1 });
        continue;
      }
      for (let at = 0; at < source.bytes; at += DISTRIBUTED_CHUNK_BYTES) {
        const length = Math.min(DISTRIBUTED_CHUNK_BYTES, source.bytes - at);
        const [a, b] = await Promise.all([
          readEntryBytes(sourceFile.opened.plaintext, source, at, length, options.signal),
          readEntryBytes(replicaFile.opened.plaintext, replica, at, length, options.signal),
        ]);
        done += 2 * length;
        options.onProgress?.(done, total);
        let differs = -1;
        for (let i = 0; i < length; i += 1) {
          if (a[i] !== b[i]) {
            differs = i;
            break;
          }
        }
        if (differs >= 0) {
          differences.push({ rank, against, firstDifferentByte: at + differs });
          done += 2 * (source.bytes - at - length);
          break;
        }
      }
    }
    reports.push({ name: plan.name, compared: pairs.length, differences });
  }
  return reports;
}

/** The layout with a `replicas-differ` warning on every parameter whose replicas disagree. */
export function withReplicaReports(layout: SetLayout, reports: readonly ReplicaReport[]): SetLayout {
  const byName = new Map(reports.map((report) => [report.name, report]));
  return {
    ...layout,
    parameters: layout.parameters.map((plan) => {
      const report = byName.get(plan.name);
      if (!report || report.differences.length === 0) return plan;
      return {
        ...plan,
        problems: [
          ...plan.problems,
          {
            code: 'replicas-differ',
            severity: 'warning',
            detail: report.differences
              .map((d) =>
                d.firstDifferentByte < 0
                  ? `rank ${d.rank} has a different length than rank ${d.against}`
                  : `rank ${d.rank} differs from rank ${d.against} at byte ${d.firstDifferentByte}`,
              )
              .join('; '),
            ranks: report.differences.map((d) => d.rank),
          },
        ],
      };
    }),
  };
}
