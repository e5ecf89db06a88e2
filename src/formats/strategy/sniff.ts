/** Content tests for strategy files: no protobuf code needed, so `formats/sniff.ts` can use them. */

/** First non-space byte is `{`: MindSpore's JSON strategy (its reader goes by the `.json` suffix). */
export function looksLikeJsonStrategy(head: Uint8Array): boolean {
  for (const byte of head) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b;
  }
  return false;
}

/**
 * A protobuf ParallelStrategyMap always starts with field 1 (current_stage, varint: tag 0x08)
 * because the C++ and Python writers emit fields in number order; a checkpoint starts with 0x0a.
 * After the varint comes field 2 (0x12), field 3 (0x1a) or the end.
 */
export function looksLikeProtobufStrategy(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x08) return false;
  let at = 1;
  while (at < head.length && at <= 10 && (head[at] ?? 0) & 0x80) at += 1;
  at += 1;
  if (at > 11) return false;
  if (at >= size) return at === size;
  if (at >= head.length) return false;
  return head[at] === 0x12 || head[at] === 0x1a;
}

/**
 * A JSON strategy names its sections near the start (`current_stage` comes first); used to tell
 * a strategy from other JSON when a file is opened as a checkpoint.
 */
export function looksLikeJsonStrategyHead(head: Uint8Array): boolean {
  if (!looksLikeJsonStrategy(head)) return false;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  return /"(current_stage|parallel_strategy_item|parallel_layout_item)"/.test(text);
}
