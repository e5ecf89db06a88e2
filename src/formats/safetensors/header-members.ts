/**
 * A large safetensors header (up to 100 MB, a million entries) parsed whole by `JSON.parse`
 * holds the decoded text and the full object tree at once: about 350 MB for a million entries,
 * before a single index entry exists. Cut at the top-level commas instead, each piece is decoded
 * and parsed on its own and dropped once its entries are indexed, so the peak is the header
 * bytes plus the index.
 *
 * The cut only looks at quotes, backslashes and brackets (strings are skipped whole), so every
 * piece is a run of complete `"name": {…}` members. Anything the scan does not understand ends it
 * with `null` and the caller parses the whole text, which also gives JSON.parse's own error.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Pieces of about `pieceBytes` each, every one a run of whole top-level members without the
 * outer braces (`"a":{…},"b":{…}`), in header order; or null when the bytes are not one JSON
 * object whose brackets balance (the caller then parses the whole text to report the error).
 */
export function splitHeaderMembers(header: Uint8Array, pieceBytes: number): Uint8Array[] | null {
  let at = 0;
  while (at < header.length && isJsonSpace(header[at] as number)) at += 1;
  if (header[at] !== OPEN_BRACE) return null;
  at += 1;
  const pieces: Uint8Array[] = [];
  let pieceStart = at;
  let depth = 1;
  for (; at < header.length; at += 1) {
    const byte = header[at] as number;
    if (byte === QUOTE) {
      at += 1;
      while (at < header.length && header[at] !== QUOTE) at += header[at] === BACKSLASH ? 2 : 1;
      if (at >= header.length) return null;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) {
        if (byte !== CLOSE_BRACE) return null;
        pieces.push(header.subarray(pieceStart, at));
        for (at += 1; at < header.length; at += 1) if (!isJsonSpace(header[at] as number)) return null;
        return pieces;
      }
    } else if (byte === COMMA && depth === 1 && at - pieceStart >= pieceBytes) {
      pieces.push(header.subarray(pieceStart, at));
      pieceStart = at + 1;
    }
  }
  return null;
}
