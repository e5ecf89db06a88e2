/**
 * Every limit the parsers enforce, in one place. Each is checked before anything is
 * allocated, so a hostile header cannot make us reserve memory it does not back with bytes.
 */

const MiB = 1024 * 1024;

/** Largest single read we ever issue (Chromium refuses reads ≥ 2 GiB; we stay far below). */
export const MAX_READ_BYTES = 64 * MiB;
/** Default window for sequential scans (measured best on Chromium: 16 MiB, two in flight). */
export const DEFAULT_WINDOW_BYTES = 16 * MiB;
/** Read size used to fetch the next record header after skipping tensor bytes. */
export const DEFAULT_HEADER_READ_BYTES = 1024;

/** safetensors' own MAX_HEADER_SIZE (huggingface/safetensors tensor.rs). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
export const MAX_TENSOR_ENTRIES = 2_000_000;
export const MAX_TENSOR_NAME_BYTES = 64 * 1024;
export const MAX_DTYPE_NAME_BYTES = 64;
export const MAX_DIMS = 64;
/** A ckpt record header (everything but tensor_content) larger than this is not a real one. */
export const MAX_RECORD_HEADER_BYTES = 1 * MiB;
/** Strings (UTF-32 `str` records) are decoded for display up to this size. */
export const MAX_STRING_VALUE_BYTES = 256 * 1024;
/** Scalars are decoded into the index when their content is at most this long. */
export const MAX_SCALAR_VALUE_BYTES = 16;
/** Largest buffer any code path may allocate at once. */
export const MAX_BUFFER_BYTES = 1024 * MiB;
