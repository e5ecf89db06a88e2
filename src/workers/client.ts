import * as Comlink from 'comlink';
import type { WorkerApi } from './api';
import { installTransferHandlers } from './transfer';

/** The page's handle on the parsing worker; created once, lazily. */
let remote: Comlink.Remote<WorkerApi> | null = null;

export function workerClient(): Comlink.Remote<WorkerApi> {
  if (!remote) {
    installTransferHandlers();
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'ckpt-lens-parser' });
    remote = Comlink.wrap<WorkerApi>(worker);
  }
  return remote;
}

export const proxy = Comlink.proxy;
