import { describe, expect, it } from 'vitest';
import { formatDerived, formatElement } from './format';

describe('number formatting by dtype', () => {
  it('prints a stored value as the shortest decimal that reads back in its dtype', () => {
    // float32 nearest to 0.1 is 0.100000001490116…; numpy prints it as 0.1.
    expect(formatElement('f32', Math.fround(0.1))).toBe('0.1');
    // float16 nearest to 0.1 is 0.0999755859375 (0x2E66); numpy prints 0.1.
    expect(formatElement('f16', 0.0999755859375)).toBe('0.1');
    // bfloat16 nearest to 1/3 is 0.333984375 (0x3EAB); numpy (ml_dtypes) prints 0.334.
    expect(formatElement('bf16', 0.333984375)).toBe('0.334');
    // float64 keeps all its digits.
    expect(formatElement('f64', 0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('keeps integers whole, 64-bit decimals as given, and names NaN/±Inf', () => {
    expect(formatElement('i32', -7)).toBe('-7');
    expect(formatElement('i64', '9007199254740993')).toBe('9007199254740993');
    expect(formatElement('f32', NaN)).toBe('NaN');
    expect(formatElement('f32', -Infinity)).toBe('−Inf');
    expect(formatElement('f32', null)).toBe('—');
    expect(formatElement('f16', 2 ** -24)).toBe('6e-8');
  });

  it('prints derived numbers with six significant digits', () => {
    expect(formatDerived(Math.PI)).toBe('3.14159');
    expect(formatDerived(1 / 3)).toBe('0.333333');
    expect(formatDerived(-0.000012345678)).toBe('-1.23457e-5');
    expect(formatDerived(123456789)).toBe('1.23457e+8');
    expect(formatDerived(null)).toBe('—');
  });
});
