import { describeKeyProblem } from './messages';
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

describe('why a typed key is not a key', () => {
  it('says it in one sentence each, from data the parser returns', () => {
    const sentence = (parsed: ReturnType<typeof parseHexKey>): string =>
      parsed.ok ? 'ok' : describeKeyProblem(parsed.problem);
    expect(sentence(parseHexKey('abc'))).toBe('A hex key needs an even number of digits; this one has 3.');
    expect(sentence(parseHexKey('zz'))).toBe('A hex key may only contain 0-9 and a-f.');
    expect(sentence(parseHexKey('  '))).toBe('No key was given.');
    expect(sentence(parseTextKey('b"\\q"'))).toBe('Unknown escape "\\q" at character 1.');
    expect(sentence(parseTextKey('b"\\x4"'))).toBe('"\\x" must be followed by two hex digits (at character 1).');
  });
});
