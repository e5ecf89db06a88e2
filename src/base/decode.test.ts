import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, decodeScalar, decodeScalarAt, float16ToNumber, shortestFloat32 } from './decode';

describe('decodeScalar of 16-bit floats', () => {
  it('gives, for every bit pattern, the shortest decimal of the value (asked twice: remembered the same)', () => {
    const bytes = new Uint8Array(2);
    for (let pass = 0; pass < 2; pass += 1) {
      for (let bits = 0; bits < 0x10000; bits += 1) {
        bytes[0] = bits & 0xff;
        bytes[1] = bits >> 8;
        expect(Object.is(decodeScalar('Float16', bytes), shortestFloat32(float16ToNumber(bits)))).toBe(true);
        expect(Object.is(decodeScalar('BFloat16', bytes), shortestFloat32(bfloat16ToNumber(bits)))).toBe(true);
      }
    }
  });

  it('reads a legacy bfloat16 stored as float32 from its high half, at any offset', () => {
    const bytes = new Uint8Array([9, 0, 0, 0x80, 0x3f]); // 1.0 as float32 at offset 1
    expect(decodeScalarAt('BFloat16', bytes, 1, 4)).toBe(1);
    expect(decodeScalarAt('Float16', bytes, 3, 2)).toBe(shortestFloat32(float16ToNumber(0x3f80)));
    expect(decodeScalarAt('Float16', bytes, 0, 1)).toBeUndefined();
  });
});
