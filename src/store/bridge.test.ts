import * as Comlink from 'comlink';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serializeError } from '../base/errors';
import { fixtureBytes } from '../test/fixtures';
import { workerApi } from '../workers/api';
import { installTransferHandlers } from '../workers/transfer';
import { callWorker, NEVER_ABORTED, startWorkerEarly, terminateWhenIdle } from './bridge';
import { buildTreeShape, treeView, type TreeShape } from '../core/summary';
import { statsOfTensor } from './numbers';
import { knownTreeShape, loadTreeShape } from './tree';

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
const SMALL = 'Model-Saving-Test-Repo__model.safetensors';
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

/** Every column of two tree shapes, as plain arrays. */
function columnsOf(shape: TreeShape): Record<string, unknown> {
  const { tensors: _tensors, ...columns } = shape;
  return Object.fromEntries(
    Object.entries(columns).map(([key, value]) => [
      key,
      ArrayBuffer.isView(value) ? [...(value as Int32Array)] : value,
    ]),
  );
}

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

  it("the tree's shape comes from the worker, the same as one made on the page, and is kept per file", async () => {
    const opened = await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 't1', file }));
    const tensors = opened.index.tensors;
    // The worker's own answer: the same columns, transferred.
    const fromWorker = await callWorker(NEVER_ABORTED, (api) => api.treeShape('t1'));
    expect(columnsOf({ ...fromWorker, tensors })).toEqual(columnsOf(buildTreeShape(tensors)));
    const shape = await loadTreeShape('t1', tensors, new AbortController().signal);
    expect(shape.tensors).toBe(tensors);
    expect(columnsOf(shape)).toEqual(columnsOf(buildTreeShape(tensors)));
    expect(treeView(shape).children.map((node) => node.label)).toEqual([
      'conv1',
      'conv2',
      'fc1',
      'fc2',
      'fc3',
      'global_step',
      'learning_rate',
      'momentum',
      'moments',
    ]);
    expect(knownTreeShape(tensors)).toBe(shape);
    expect(await loadTreeShape('t1', tensors, new AbortController().signal)).toBe(shape);
  });

  it('a shape the worker cannot give, or one of other tensors, is made on the page', async () => {
    const opened = await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 't2', file }));
    const expected = columnsOf(buildTreeShape(opened.index.tensors));
    // Not open in the worker: it answers with an error, and the page builds the shape.
    const notOpen = await callWorker(NEVER_ABORTED, (api) => api.openFile({ fileId: 't3', file }));
    await callWorker(NEVER_ABORTED, (api) => api.closeFile('t3'));
    expect(columnsOf(await loadTreeShape('t3', notOpen.index.tensors, new AbortController().signal))).toEqual(expected);
    // Open, but another file's tensors (a sample of two): the worker's shape does not fit them.
    const other = await callWorker(NEVER_ABORTED, (api) =>
      api.openFile({ fileId: 't4', file: new Blob([new Uint8Array(fixtureBytes('real', SMALL))]) }),
    );
    const shape = await loadTreeShape('t2', other.index.tensors, new AbortController().signal);
    expect(columnsOf(shape)).toEqual(columnsOf(buildTreeShape(other.index.tensors)));
    expect(shape.tensors).toBe(other.index.tensors);
  });
});
