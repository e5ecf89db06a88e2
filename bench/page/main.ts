import * as Comlink from 'comlink';
import type { BenchWorkerApi } from './bench.worker';

// The harness (bench/run.ts) picks files into the inputs and calls window.bench.<measure>(...).
const worker = Comlink.wrap<BenchWorkerApi>(
  new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }),
);

function file(index: number, inputId: string): File {
  const input = document.getElementById(inputId) as HTMLInputElement;
  const picked = input.files?.[index];
  if (!picked) throw new Error(`no file #${index} picked`);
  return picked;
}

Object.assign(window, {
  bench: {
    run: (name: keyof BenchWorkerApi, fileIndex: number, options: Record<string, unknown> = {}, inputId = 'files') =>
      (worker[name] as (file: File, options: Record<string, unknown>) => Promise<unknown>)(
        file(fileIndex, inputId),
        options,
      ),
    // Several files at once: the merge set in #merge-files, the sharded set in #torch-files.
    runSet: (name: keyof BenchWorkerApi, options: Record<string, unknown> = {}, inputId = 'merge-files') =>
      (worker[name] as (files: File[], options: Record<string, unknown>) => Promise<unknown>)(
        [...((document.getElementById(inputId) as HTMLInputElement).files ?? [])],
        options,
      ),
  },
});
