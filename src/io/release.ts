/**
 * Frees a large buffer's memory now rather than at the next garbage collection: a 64 MiB cipher
 * block that is garbage still counts against the page until V8 collects it. Detaching (ES2024
 * `ArrayBuffer.prototype.transfer(0)`, in Chromium and Node 21+) drops the backing store at once;
 * where it is missing this does nothing. Only for buffers no one else holds a view of: every view
 * of a released buffer becomes empty.
 */
export function releaseBuffer(buffer: ArrayBufferLike): void {
  const detachable = buffer as { transfer?: (length?: number) => ArrayBuffer; detached?: boolean };
  if (typeof detachable.transfer === 'function' && detachable.detached === false) detachable.transfer(0);
}
