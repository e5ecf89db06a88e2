/**
 * The record grammar of MindSpore's writer (ckpt-format.md §2.2): one `Checkpoint` message per
 * record, fields in number order, dims unpacked, minimal varints.
 */

const textEncoder = new TextEncoder();

export function varintBytes(value: number | bigint): number[] {
  // int64 fields: negative values are 10-byte two's complement.
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0n);
  return out;
}

function lengthDelimited(field: number, payloadLength: number): number[] {
  return [(field << 3) | 2, ...varintBytes(payloadLength)];
}

/**
 * The bytes of one record up to (not including) its tensor_content, so callers can stream the
 * content from elsewhere: `header ‖ content` is the whole record.
 */
export function encodeRecordHeader(
  tag: string,
  dims: readonly number[],
  tensorType: string,
  contentLength: number,
): Uint8Array {
  const tagBytes = textEncoder.encode(tag);
  const typeBytes = textEncoder.encode(tensorType);
  const dimBytes = dims.flatMap((dim) => [0x08, ...varintBytes(dim)]);
  const tensorHead = [
    ...dimBytes,
    ...lengthDelimited(2, typeBytes.length),
    ...typeBytes,
    ...lengthDelimited(3, contentLength),
  ];
  const tensorLength = tensorHead.length + contentLength;
  const valueHead = [...lengthDelimited(1, tagBytes.length), ...tagBytes, ...lengthDelimited(2, tensorLength)];
  const valueLength = valueHead.length + tensorLength;
  return new Uint8Array([...lengthDelimited(1, valueLength), ...valueHead, ...tensorHead]);
}

export function encodeRecord(
  tag: string,
  dims: readonly number[],
  tensorType: string,
  content: Uint8Array,
): Uint8Array {
  const header = encodeRecordHeader(tag, dims, tensorType, content.length);
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}
