/**
 * The fuzz runner thread: runs one case at a time and reports how it ended. It lives in a
 * worker so the main thread can terminate it when a parser loops (a synchronous infinite loop
 * never yields, so no in-thread timer could stop it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LensError } from '../../base/errors';
import { describeError } from '../../core/messages';
import { FuzzSource, type FuzzCase, type FuzzTarget } from './types';

export type RunOutcome =
  | { status: 'ok' }
  | { status: 'lens-error'; code: string; sentence: string; problem?: string }
  | { status: 'exception'; name: string; message: string; stack: string };

export interface RunReport {
  kind: 'result';
  id: number;
  outcome: RunOutcome;
  ms: number;
  largestRequest: number;
  bytesRead: number;
  reads: number;
  /** Bytes of every file the case read (the input and its companions). */
  fileBytes: number;
  /** A read was refused for passing READ_AMPLIFICATION × fileBytes + READ_SLACK_BYTES. */
  overRead: boolean;
  arrayBufferGrowth: number;
}

export type WorkerMessage =
  | RunReport
  | { kind: 'ready' }
  | { kind: 'unhandled'; id: number | null; message: string }
  | { kind: 'load-failed'; message: string };

/** Codes that are never a correct answer to an input: they mean a bug in Ckpt Lens. */
const BUG_CODES = new Set(['internal', 'read-too-large']);

function classify(error: unknown): RunOutcome {
  if (error instanceof LensError) {
    let message;
    try {
      message = describeError(error.code, error.details);
    } catch (describeFailure) {
      return exception(describeFailure);
    }
    const sentence = `${message.title} — ${message.detail} ${message.action}`;
    let problem: string | undefined;
    if (BUG_CODES.has(error.code)) problem = `error code "${error.code}" means a bug, not a bad input`;
    else if (!message.title.trim() || !message.detail.trim() || !message.action.trim()) problem = 'empty sentence';
    else if (/\bundefined\b/.test(sentence)) problem = 'the sentence says "undefined"';
    return { status: 'lens-error', code: error.code, sentence, ...(problem ? { problem } : {}) };
  }
  return exception(error);
}

function exception(error: unknown): RunOutcome {
  if (error instanceof Error) {
    return { status: 'exception', name: error.name, message: error.message, stack: error.stack ?? '' };
  }
  return { status: 'exception', name: typeof error, message: String(error), stack: '' };
}

const port = parentPort;
if (!port) throw new Error('fuzz worker started outside a worker thread');
let current: number | null = null;

process.on('unhandledRejection', (reason) => {
  const message = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  port.postMessage({ kind: 'unhandled', id: current, message } satisfies WorkerMessage);
});

try {
  const module = (await import((workerData as { targetsModule: string }).targetsModule)) as {
    createTargets(): FuzzTarget[];
  };
  const targets = new Map(module.createTargets().map((target) => [target.name, target]));
  port.on('message', (message: { id: number; input: FuzzCase }) => {
    void runOne(targets, message.id, message.input);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
} catch (error) {
  port.postMessage({ kind: 'load-failed', message: String(error instanceof Error ? error.stack : error) });
}

async function runOne(targets: Map<string, FuzzTarget>, id: number, input: FuzzCase): Promise<void> {
  current = id;
  const target = targets.get(input.target);
  const source = new FuzzSource(input);
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    if (!target) throw new Error(`unknown fuzz target "${input.target}"`);
    await target.run(input, source);
    outcome = { status: 'ok' };
  } catch (error) {
    outcome = classify(error);
  }
  const ms = performance.now() - started;
  const arrayBufferGrowth = process.memoryUsage().arrayBuffers - before;
  // Let a rejection nobody handled surface (Node reports them after the microtask queue drains).
  await new Promise((resolve) => setImmediate(resolve));
  port?.postMessage({
    kind: 'result',
    id,
    outcome,
    ms,
    largestRequest: source.largestRequest,
    bytesRead: source.bytesRead,
    reads: source.reads,
    fileBytes: source.ledger.fileBytes,
    overRead: source.ledger.overRead,
    arrayBufferGrowth,
  } satisfies WorkerMessage);
}
