import * as Comlink from 'comlink';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serializeError } from '../base/errors';
import { fixtureBytes } from '../test/fixtures';
import { workerApi } from '../workers/api';
import { installTransferHandlers } from '../workers/transfer';
import { callWorker, NEVER_ABORTED, startWorkerEarly, terminateWhenIdle } from './bridge';
import { statsOfTensor } from './numbers';

/**
 * The bridge against the real worker API: Node has no Web Worker, so a stand-in "Worker" is one
 * end of a MessageChannel whose other end runs `Comlink.expose(workerApi)`, as worker.ts does.
 */
const spawned: { terminated: boolean }[] = [];
const realWorker = (globalThis as { Worker?: unknown }).Worker;

class ChannelWorker {
  private readonly port: MessagePort;
  private readonly record = { terminated: false };
  constructor() {
    const channel = new MessageChannel();
    installTransferHandlers();
    Comlink.expose(workerApi, channel.port2);
    this.port = channel.port1;
    spawned.push(this.record);
  }
  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.port.postMessage(message, transfer ?? []);
  }
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void {
    this.port.addEventListener(type, listener);
    this.port.start();
  }
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void {
    this.port.removeEventListener(type, listener);
  }
  terminate(): void {
    this.record.terminated = true;
    this.port.close();
  }
}

const FILE = 'AI-lab2__checkpoint_lenet-1_1875.ckpt';
let file: Blob;

beforeAll(() => {
  (globalThis as { Worker?: unknown }).Worker = ChannelWorker;
  // In memory: Node cannot post a file-backed Blob through a MessageChannel (a browser can).
  file = new Blob([new Uint8Array(fixtureBytes('real', FILE))]);
});

afterAll(() => {
  terminateWhenIdle();
  (globalThis as { Worker?: unknown }).Worker = realWorker;
});

describe('the worker bridge', () => {
  it('runs store actions on the worker API: open a real file, then stats of one tensor', async () => {
    const opened = await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 'b1', file }));
    // The index arrives as columns (their buffers transferred), read by position.
    const at = opened.index.tensors.find('conv1.weight');
    expect(at).toBeGreaterThanOrEqual(0);
    const entry = opened.index.tensors.entry(at);
    const progress: number[] = [];
    const stats = await statsOfTensor('b1', 'conv1.weight', {
      signal: new AbortController().signal,
      onProgress: (fraction) => progress.push(fraction),
    });
    expect(stats.elements).toBe(entry.shape.reduce((a, b) => a * b, 1));
    // Progress travels on its own channel and may land after the result.
    await vi.waitFor(() => expect(progress.at(-1)).toBe(1));
  });

  it('an aborted call never delivers a result, and the worker keeps serving', async () => {
    const before = new AbortController();
    before.abort();
    await expect(statsOfTensor('b1', 'conv1.weight', { signal: before.signal })).rejects.toSatisfy(
      (error: unknown) => serializeError(error).code === 'cancelled',
    );

    const during = new AbortController();
    const running = statsOfTensor('b1', 'fc1.weight', { signal: during.signal });
    during.abort();
    await expect(running).rejects.toSatisfy((error: unknown) => serializeError(error).code === 'cancelled');

    const again = await statsOfTensor('b1', 'fc1.weight', { signal: new AbortController().signal });
    expect(again.elements).toBeGreaterThan(0);
  });

  it('with nothing open, the worker ends once its last call settles; the next call starts a new one', async () => {
    const count = spawned.length;
    const last = callWorker(NEVER_ABORTED, (api) => api.closeFile('b1'));
    terminateWhenIdle();
    expect(spawned.at(-1)?.terminated).toBe(false);
    await last;
    expect(spawned.at(-1)?.terminated).toBe(true);

    await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 'b2', file }));
    expect(spawned.length).toBe(count + 1);
    expect(spawned.at(-1)?.terminated).toBe(false);
  });

  it('a worker started early serves the first call; one already running is not started again', async () => {
    await callWorker(NEVER_ABORTED, (api) => api.closeFile('b2'));
    terminateWhenIdle();
    const count = spawned.length;
    startWorkerEarly();
    expect(spawned.length).toBe(count + 1);
    startWorkerEarly();
    expect(spawned.length).toBe(count + 1);
    const opened = await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 'b3', file }));
    expect(opened.index.tensors.find('conv1.weight')).toBeGreaterThanOrEqual(0);
    expect(spawned.length).toBe(count + 1);
  });
});
