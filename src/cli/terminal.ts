/**
 * Text that came from a file (tensor names, metadata, dtype strings) must not drive the
 * terminal: ESC, BEL and other control characters, C1 controls and bidi overrides are shown
 * as \u escapes. The \u form is also a valid JSON escape, so a --json line stays valid JSON.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/*
 * The same classes without the g flag, to test first: almost no text holds one, and a test
 * that finds none costs half a replace that changes nothing (a million-row table makes three
 * calls a row).
 */
const ANY_CONTROL = new RegExp(CONTROLS.source);
const ANY_CONTROL_BUT_NEWLINE = new RegExp(CONTROLS_BUT_NEWLINE.source);

const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A name (or any one-line text from a file) as printed: every control character escaped. */
export function shown(text: string): string {
  return ANY_CONTROL.test(text) ? text.replace(CONTROLS, escape) : text;
}

/** A line of output as printed: control characters escaped, the command's own line breaks kept. */
export function safeOutput(text: string): string {
  return ANY_CONTROL_BUT_NEWLINE.test(text) ? text.replace(CONTROLS_BUT_NEWLINE, escape) : text;
}

/**
 * Width of a text table's name column: the longest name, between 4 and 60 characters. A loop,
 * not `Math.max(...names)`: spreading a million names as arguments overflows the stack.
 */
export function nameColumnWidth(count: number, nameAt: (i: number) => string): number {
  let width = 4;
  for (let i = 0; i < count; i += 1) width = Math.max(width, nameAt(i).length);
  return Math.min(60, width);
}
