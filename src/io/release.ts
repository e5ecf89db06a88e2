/**
 * Frees a large buffer's memory now rather than at the next garbage collection: a 64 MiB cipher
 * block that is garbage still counts against the page until V8 collects it, and a worker that
 * mostly waits on reads and WebCrypto allocates too few JavaScript objects to collect soon.
 *
 * Detaching (ES2024 `ArrayBuffer.prototype.transfer(0)`) drops the memory of buffers V8 made
 * itself (`new ArrayBuffer`, and Node's). It does not free what the browser made — a
 * `Blob.arrayBuffer()` or a `crypto.subtle` result: Chromium keeps those bytes in its own
 * wrapper object until the garbage collector frees it (measured, Chromium 150: twelve 64 MiB
 * `arrayBuffer()` reads released so all stayed resident, 769 MiB). Transferring the buffer in
 * a message to a port whose other end is closed moves the bytes out of that wrapper into the
 * message, which is discarded: freed at once (the same twelve reads peaked at 71 MiB).
 *
 * Only for buffers no one else holds a view of: every view of a released buffer becomes empty.
 */
export function releaseBuffer(buffer: ArrayBufferLike): void {
  const detachable = buffer as { transfer?: (length?: number) => ArrayBuffer; detached?: boolean };
  if (!(buffer instanceof ArrayBuffer) || detachable.detached !== false) return;
  if (inBrowser()) {
    try {
      sinkPort()?.postMessage(buffer, [buffer]);
    } catch {
      // not transferable here: detach below
    }
    if (detachable.detached) return;
    // The port was disentangled (its peer's closing noticed): a fresh one next time.
    sink = null;
  }
  try {
    detachable.transfer?.(0);
  } catch {
    // not detachable (a WebAssembly memory's buffer): left to its owner
  }
}

/** A page or a worker, whose buffers the browser allocates (Node's are V8's: detaching frees them). */
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return typeof scope.document === 'object' || typeof scope.WorkerGlobalScope === 'function';
}

let sink: MessagePort | null = null;

/** A port whose peer is closed: what is posted to it is discarded with its transferred buffers. */
function sinkPort(): MessagePort | null {
  if (sink === null && typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    channel.port2.close();
    sink = channel.port1;
  }
  return sink;
}
