import { describe, expect, it } from 'vitest';
import { parseHexKey, parseTextKey } from './key-input';

describe('key input', () => {
  it('parses hex with separators and 0x', () => {
    const parsed = parseHexKey('0x00 01:02 0a');
    expect(parsed.ok && Array.from(parsed.key)).toEqual([0, 1, 2, 10]);
    expect(parseHexKey('abc').ok).toBe(false);
    expect(parseHexKey('zz').ok).toBe(false);
  });

  it('parses Python bytes literals like b"0123456789ABCDEF" and escapes', () => {
    const parsed = parseTextKey('b"0123456789ABCDEF"');
    expect(parsed.ok && new TextDecoder().decode(parsed.key)).toBe('0123456789ABCDEF');
    const escaped = parseTextKey("b'\\x00\\x7f\\\\\\n'");
    expect(escaped.ok && Array.from(escaped.key)).toEqual([0, 0x7f, 0x5c, 0x0a]);
    expect(parseTextKey('b"\\xZZ"').ok).toBe(false);
    expect(parseTextKey('ключ').ok).toBe(false);
  });
});
