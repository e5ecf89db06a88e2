import { describe, expect, it } from 'vitest';
import { asciiText, BufferPool, concatBytes, keepable } from './bytes';

describe('BufferPool and keepable', () => {
  it('hands a given-back buffer out again for a request of about its size, and no other', () => {
    const pool = new BufferPool(2);
    const first = pool.take(1000);
    expect(first.length).toBe(1000);
    pool.give(first);
    const again = pool.take(800);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(800);
    pool.give(again);
    // More than twice smaller: a fresh buffer, so a small chunk does not pin a large one.
    expect(pool.take(400).buffer).not.toBe(first.buffer);
    // Larger than the buffer: fresh.
    expect(pool.take(2000).buffer).not.toBe(first.buffer);
  });

  it('keeps at most maxBuffers and ignores buffers it did not lend', () => {
    const pool = new BufferPool(1);
    const a = pool.take(10);
    const b = pool.take(10);
    pool.give(a);
    pool.give(b);
    pool.give(new Uint8Array(10));
    expect(pool.take(10).buffer).toBe(a.buffer);
    expect(pool.take(10).buffer).not.toBe(b.buffer);
  });

  it('when full, keeps the larger buffers: small chunks do not push out window-sized ones', () => {
    const pool = new BufferPool(2);
    const [large, small, tiny] = [pool.take(1000), pool.take(100), pool.take(10)];
    pool.give(small);
    pool.give(tiny);
    pool.give(large);
    expect(pool.take(900).buffer).toBe(large.buffer);
    expect(pool.take(80).buffer).toBe(small.buffer);
    expect(pool.take(10).buffer).not.toBe(tiny.buffer);
  });

  it('keepable copies lent bytes and passes others through', () => {
    const lentBytes = new BufferPool(1).take(4);
    lentBytes.set([1, 2, 3, 4]);
    const kept = keepable(lentBytes);
    expect(kept.buffer).not.toBe(lentBytes.buffer);
    expect([...kept]).toEqual([1, 2, 3, 4]);
    const own = Uint8Array.of(5);
    expect(keepable(own)).toBe(own);
    expect([...concatBytes([own, kept])]).toEqual([5, 1, 2, 3, 4]);
  });
});

describe('asciiText', () => {
  const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  it('equals the UTF-8 decoding of ASCII bytes, short and long', () => {
    for (const text of ['', 'a', 'model.bias', 'model.layers.12.block7.weight', 'x'.repeat(4096)]) {
      const bytes = new TextEncoder().encode(text);
      expect(asciiText(bytes)).toBe(decode(bytes));
    }
  });
  it('reads a window of the bytes', () => {
    const bytes = new TextEncoder().encode('{"conv1.weight.abcdefgh": 1}');
    expect(asciiText(bytes, 2, 23)).toBe('conv1.weight.abcdefgh');
  });
  it('declines bytes that are not ASCII (short and long) and text above its limit', () => {
    expect(asciiText(new TextEncoder().encode('é'))).toBeUndefined();
    expect(asciiText(new TextEncoder().encode(`${'a'.repeat(40)}é`))).toBeUndefined();
    expect(asciiText(new Uint8Array(4097).fill(0x61))).toBeUndefined();
  });
});
