/**
 * The fuzz harness: deterministic inputs from (seed, iteration), run one at a time in a worker
 * thread, each checked against the invariants of issue 7:
 *   - it ends in a result or a LensError whose code has a sentence (and is not a bug code);
 *   - it finishes within the timeout (the worker is terminated otherwise: loops are caught);
 *   - no read asks for more than MAX_READ_BYTES, all reads together stay within
 *     READ_AMPLIFICATION × the bytes of the case's files (every target; refused past it), and
 *     ArrayBuffer memory grows by a bounded amount;
 *   - no promise rejection goes unhandled, the worker never dies.
 * Iteration i of seed s is always the same input, so `--seed s --iteration i` replays a failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MAX_BUFFER_BYTES, MAX_READ_BYTES } from '../../base/limits';
import { Prng } from './prng';
import { caseSize, READ_AMPLIFICATION, READ_SLACK_BYTES, type FuzzCase, type FuzzTarget } from './types';
import type { RunReport, WorkerMessage } from './worker';

const MiB = 1024 * 1024;

export interface FuzzOptions {
  seed: number;
  /** Stop after this many inputs (warm-up runs not counted). */
  iterations?: number;
  /** Stop after this many seconds. With neither budget, 1000 iterations. */
  seconds?: number;
  /** Run only these targets (default: all of the module's). */
  targets?: readonly string[];
  /** Run exactly these iterations (replay). */
  onlyIterations?: readonly number[];
  /** Module exporting createTargets() (default: the built-in targets). */
  targetsModule?: string;
  /** A small input must end within this (default 2000 ms); large inputs get 1 s more per MiB. */
  timeoutMs?: number;
  /** Where failing inputs are written (null: nowhere). */
  failureDir?: string | null;
  /** Run each target's first input untimed after starting a worker (module loads, WASM compiles). Default true. */
  warmUp?: boolean;
  /** Heavy crafted cases (seconds each by design) run at most this often per run (default 2). */
  maxHeavy?: number;
  /** Stop after this many failures (default 20). */
  maxFailures?: number;
  log?: (line: string) => void;
  /** Called after every input (--verbose). */
  onCase?: (line: string) => void;
}

export type FailureKind =
  | 'exception'
  | 'bad-error'
  | 'hang'
  | 'oversized-read'
  | 'read-amplification'
  | 'memory'
  | 'unhandled-rejection'
  | 'worker-crash';

export interface FuzzFailure {
  kind: FailureKind;
  target: string;
  seed: number;
  iteration: number;
  label: string;
  message: string;
  /** Hex of the first bytes of the input. */
  hexHead: string;
  /** Saved input (JSON with the case), when failureDir is set. */
  file?: string;
}

export interface TargetStats {
  inputs: number;
  /** Time inside the parser (worker side). */
  ms: number;
  /** Time per input end to end: generating, copying to the worker, running, checking. */
  wallMs: number;
  ok: number;
  errors: Record<string, number>;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  seconds: number;
  failures: FuzzFailure[];
  targets: Record<string, TargetStats>;
}

/** One iteration's PRNG: a hash of (seed, iteration), independent of every other iteration. */
export function iterationPrng(seed: number, iteration: number): Prng {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ iteration;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new Prng((h ^ (h >>> 16)) >>> 0);
}

export function hexDump(bytes: Uint8Array, limit = 256): string {
  const lines: string[] = [];
  for (let at = 0; at < Math.min(bytes.length, limit); at += 16) {
    const row = Array.from(bytes.subarray(at, Math.min(at + 16, limit)), (b) => b.toString(16).padStart(2, '0'));
    lines.push(`${at.toString(16).padStart(8, '0')}  ${row.join(' ')}`);
  }
  if (bytes.length > limit) lines.push(`… ${bytes.length} bytes in all`);
  return lines.join('\n');
}

type RunResult =
  | { kind: 'done'; report: RunReport; unhandled: string[] }
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; message: string };

/** A worker that runs cases; replaced after it hangs or dies. */
class Runner {
  private pending: { id: number; settle: (result: RunResult) => void; unhandled: string[] } | null = null;
  private nextId = 1;
  private dead: string | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    worker.on('error', (error) =>
      this.die(`worker error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
    worker.on('exit', (code) => this.die(`worker exited with code ${code}`));
  }

  static start(targetsModule: string): Promise<Runner> {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { targetsModule },
      execArgv: [],
      // A parser that builds giant JS structures dies here instead of taking the machine down.
      resourceLimits: { maxOldGenerationSizeMb: 3072 },
      stdout: false,
      stderr: false,
    });
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage): void => {
        if (message.kind === 'ready') {
          worker.off('message', onMessage);
          worker.off('error', reject);
          resolve(new Runner(worker));
        } else if (message.kind === 'load-failed') {
          reject(new Error(`fuzz worker could not load targets: ${message.message}`));
          void worker.terminate();
        }
      };
      worker.on('message', onMessage);
      worker.on('error', reject);
    });
  }

  private onMessage(message: WorkerMessage): void {
    const pending = this.pending;
    if (!pending) return;
    if (message.kind === 'unhandled') pending.unhandled.push(message.message);
    else if (message.kind === 'result' && message.id === pending.id) {
      this.pending = null;
      pending.settle({ kind: 'done', report: message, unhandled: pending.unhandled });
    }
  }

  private die(message: string): void {
    if (this.dead) return;
    this.dead = message;
    const pending = this.pending;
    this.pending = null;
    pending?.settle({ kind: 'crash', message });
  }

  get alive(): boolean {
    return this.dead === null;
  }

  run(input: FuzzCase, timeoutMs: number): Promise<RunResult> {
    if (this.dead) return Promise.resolve({ kind: 'crash', message: this.dead });
    const id = this.nextId++;
    const started = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = null;
        this.dead = 'terminated after a timeout';
        void this.worker.terminate();
        resolve({ kind: 'hang', ms: performance.now() - started });
      }, timeoutMs);
      this.pending = {
        id,
        unhandled: [],
        settle: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      this.worker.postMessage({ id, input });
    });
  }

  async stop(): Promise<void> {
    this.dead ??= 'stopped';
    await this.worker.terminate();
  }
}

function timeoutFor(input: FuzzCase, base: number): number {
  if (input.timeoutMs !== undefined) return Math.max(input.timeoutMs, base);
  // Bytes actually served (virtual fills are skipped by a correct parser, so they earn no time).
  const served = (input.parts ?? [{ bytes: input.bytes }]).reduce(
    (sum, part) => sum + ('bytes' in part ? part.bytes.length : 0),
    0,
  );
  return Math.min(120_000, base + (Math.max(0, served - MiB) / MiB) * 1000);
}

/** What a single run broke, if anything. */
function check(input: FuzzCase, result: RunResult, timeoutMs: number): { kind: FailureKind; message: string } | null {
  if (result.kind === 'hang')
    return { kind: 'hang', message: `no result after ${Math.round(result.ms)} ms (limit ${timeoutMs} ms)` };
  if (result.kind === 'crash') return { kind: 'worker-crash', message: result.message };
  const { report, unhandled } = result;
  const { outcome } = report;
  if (unhandled.length > 0) return { kind: 'unhandled-rejection', message: unhandled.join('\n') };
  // Before the outcome: the refused read usually ends the case in an exception or a LensError.
  if (report.overRead) {
    return {
      kind: 'read-amplification',
      message: `read over ${READ_AMPLIFICATION}× the ${report.fileBytes} bytes of the case's files (+${READ_SLACK_BYTES} bytes): ${report.bytesRead} bytes in ${report.reads} reads before the read that would pass it was refused`,
    };
  }
  if (outcome.status === 'exception') {
    return { kind: 'exception', message: `${outcome.name}: ${outcome.message}\n${outcome.stack}` };
  }
  if (outcome.status === 'lens-error' && outcome.problem) {
    return { kind: 'bad-error', message: `${outcome.code}: ${outcome.problem}\n${outcome.sentence}` };
  }
  if (report.largestRequest > MAX_READ_BYTES) {
    return { kind: 'oversized-read', message: `a read of ${report.largestRequest} bytes (limit ${MAX_READ_BYTES})` };
  }
  const size = caseSize(input);
  const memoryLimit = Math.min(MAX_BUFFER_BYTES, 128 * MiB + 4 * size);
  if (report.arrayBufferGrowth > memoryLimit) {
    return {
      kind: 'memory',
      message: `ArrayBuffer memory grew by ${report.arrayBufferGrowth} bytes (limit ${memoryLimit})`,
    };
  }
  return null;
}

function saveFailure(dir: string, failure: FuzzFailure, input: FuzzCase): string {
  mkdirSync(dir, { recursive: true });
  const base = `${failure.target}-s${failure.seed}-i${failure.iteration}`;
  const file = path.join(dir, `${base}.json`);
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
  writeFileSync(
    file,
    JSON.stringify(
      {
        ...failure,
        file: undefined,
        input: {
          target: input.target,
          knob: input.knob,
          label: input.label,
          key: input.key ? hex(input.key) : undefined,
          timeoutMs: input.timeoutMs,
          bytes: hex(input.bytes),
          parts: input.parts?.map((part) => ('bytes' in part ? { bytes: hex(part.bytes) } : part)),
        },
      },
      null,
      1,
    ),
  );
  writeFileSync(path.join(dir, `${base}.bin`), input.bytes);
  return file;
}

/** Rebuild a case saved by saveFailure. */
export function caseFromSaved(json: string): FuzzCase {
  const saved = JSON.parse(json) as {
    input: {
      target: string;
      knob: number;
      label: string;
      key?: string;
      timeoutMs?: number;
      bytes: string;
      parts?: ({ bytes: string } | { fill: number; length: number })[];
    };
  };
  const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
  const input = saved.input;
  return {
    target: input.target,
    knob: input.knob,
    label: input.label,
    bytes: fromHex(input.bytes),
    ...(input.key ? { key: fromHex(input.key) } : {}),
    ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.parts
      ? { parts: input.parts.map((part) => ('bytes' in part ? { bytes: fromHex(part.bytes) } : part)) }
      : {}),
  };
}

export const BUILTIN_TARGETS_MODULE = new URL('./targets.ts', import.meta.url).href;

async function loadTargets(moduleUrl: string): Promise<FuzzTarget[]> {
  const module = (await import(moduleUrl)) as { createTargets(): FuzzTarget[] };
  return module.createTargets();
}

/** Run one case (a replay) and return the failure it shows, if any. */
export async function runCase(
  input: FuzzCase,
  options: { targetsModule?: string; timeoutMs?: number } = {},
): Promise<{ kind: FailureKind; message: string } | null> {
  const runner = await Runner.start(options.targetsModule ?? BUILTIN_TARGETS_MODULE);
  try {
    const timeoutMs = timeoutFor(input, options.timeoutMs ?? 2000);
    return check(input, await runner.run(input, timeoutMs), timeoutMs);
  } finally {
    await runner.stop();
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const moduleUrl = options.targetsModule ?? BUILTIN_TARGETS_MODULE;
  const log = options.log ?? (() => undefined);
  const all = await loadTargets(moduleUrl);
  const targets = options.targets ? all.filter((target) => options.targets?.includes(target.name)) : all;
  if (targets.length === 0) throw new Error(`no fuzz targets match ${JSON.stringify(options.targets)}`);
  const baseTimeout = options.timeoutMs ?? 2000;
  const maxFailures = options.maxFailures ?? 20;
  const iterations = options.onlyIterations ?? null;
  const limit = options.iterations ?? (options.seconds === undefined ? 1000 : Infinity);
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;

  const report: FuzzReport = { seed: options.seed, inputs: 0, seconds: 0, failures: [], targets: {} };
  for (const target of targets) report.targets[target.name] = { inputs: 0, ms: 0, wallMs: 0, ok: 0, errors: {} };
  const started = performance.now();

  let runner: Runner | null = null;
  let heavyRun = 0;
  const ensureRunner = async (): Promise<Runner> => {
    if (runner?.alive) return runner;
    runner = await Runner.start(moduleUrl);
    if (options.warmUp === false) return runner;
    // Warm-up: each target's first module loads and WASM compiles happen here, untimed.
    for (const target of targets) {
      const warm = { target: target.name, ...target.generate(iterationPrng(options.seed, -1)) };
      await runner.run({ ...warm, timeoutMs: 60_000 }, 60_000);
      if (!runner.alive) runner = await Runner.start(moduleUrl);
    }
    return runner;
  };

  try {
    // A skipped heavy case does not count against the iteration budget.
    for (
      let n = 0;
      (iterations ? n < iterations.length : report.inputs < limit) && performance.now() < deadline;
      n += 1
    ) {
      const iteration = iterations ? (iterations[n] as number) : n;
      const target = targets[iteration % targets.length] as FuzzTarget;
      const wallStart = performance.now();
      const input: FuzzCase = { target: target.name, ...target.generate(iterationPrng(options.seed, iteration)) };
      if (input.heavy && !iterations) {
        if (heavyRun >= (options.maxHeavy ?? 2)) continue;
        heavyRun += 1;
      }
      const active = await ensureRunner();
      const timeoutMs = timeoutFor(input, baseTimeout);
      const result = await active.run(input, timeoutMs);
      const stats = report.targets[target.name] as TargetStats;
      stats.inputs += 1;
      report.inputs += 1;
      if (result.kind === 'done') {
        stats.ms += result.report.ms;
        const outcome = result.report.outcome;
        if (outcome.status === 'ok') stats.ok += 1;
        else {
          const key = outcome.status === 'lens-error' ? outcome.code : outcome.name;
          stats.errors[key] = (stats.errors[key] ?? 0) + 1;
        }
      } else if (result.kind === 'hang') {
        stats.ms += result.ms;
      }
      if (options.onCase) {
        const what =
          result.kind === 'done'
            ? `${Math.round(result.report.ms)} ms ${result.report.outcome.status === 'lens-error' ? result.report.outcome.code : result.report.outcome.status}`
            : result.kind;
        options.onCase(`#${iteration} ${target.name} ${what} — ${input.label}`);
      }
      const broken = check(input, result, timeoutMs);
      stats.wallMs += performance.now() - wallStart;
      if (broken) {
        const failure: FuzzFailure = {
          ...broken,
          target: target.name,
          seed: options.seed,
          iteration,
          label: input.label,
          hexHead: hexDump(input.bytes),
        };
        if (options.failureDir) failure.file = saveFailure(options.failureDir, failure, input);
        report.failures.push(failure);
        log(formatFailure(failure));
        if (report.failures.length >= maxFailures) break;
      }
    }
  } finally {
    const active = runner as Runner | null;
    if (active) await active.stop();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

export function formatFailure(failure: FuzzFailure): string {
  return [
    `FAIL ${failure.kind} in target "${failure.target}" (seed ${failure.seed}, iteration ${failure.iteration})`,
    `  mutation: ${failure.label}`,
    `  ${failure.message.split('\n').slice(0, 8).join('\n  ')}`,
    `  replay: npm run fuzz -- --seed ${failure.seed} --target ${failure.target} --iteration ${failure.iteration}`,
    ...(failure.file ? [`  saved: ${failure.file} (replay: npm run fuzz -- --replay ${failure.file})`] : []),
    `  input (first bytes):`,
    ...failure.hexHead.split('\n').map((line) => `    ${line}`),
  ].join('\n');
}

export function summaryLine(report: FuzzReport): string {
  return `fuzz: ${report.inputs} inputs, ${report.failures.length} failures (seed ${report.seed}, ${Math.round(report.seconds)} s)`;
}
