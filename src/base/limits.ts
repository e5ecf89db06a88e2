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
/** Mean record size below which a ckpt scan reads through instead of seeking record to record. */
export const DEFAULT_SEEK_COST_BYTES = 256 * 1024;

/** safetensors' own MAX_HEADER_SIZE (huggingface/safetensors tensor.rs). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
export const MAX_TENSOR_ENTRIES = 2_000_000;
export const MAX_TENSOR_NAME_BYTES = 64 * 1024;
export const MAX_DTYPE_NAME_BYTES = 64;
export const MAX_DIMS = 64;
/** Strings (UTF-32 `str` records) are decoded for display up to this size. */
export const MAX_STRING_VALUE_BYTES = 256 * 1024;

// PyTorch files (formats/pytorch): the zip archive and the pickle machine.
/** Bytes searched back from the end of a zip for its end-of-central-directory record (64 KiB comment + records). */
export const ZIP_MAX_TAIL_BYTES = 65_536 + 22 + 20 + 56;
/** Largest central directory read (it is read whole; real torch archives hold one entry per storage). */
export const ZIP_MAX_CENTRAL_DIRECTORY_BYTES = 64 * MiB;
/** Entries one archive may list (one per storage plus a handful). */
export const ZIP_MAX_ENTRIES = MAX_TENSOR_ENTRIES + 16;
/** Largest pickle (data.pkl, or one pickle of the legacy layout) read into memory. */
export const MAX_PICKLE_BYTES = 256 * MiB;
/** Opcodes one pickle may execute. */
export const MAX_PICKLE_OPS = 50_000_000;
/** Values on the pickle stack, and MARKs open at once. */
export const MAX_PICKLE_STACK = 1_000_000;
export const MAX_PICKLE_MARKS = 10_000;
/** Memo slots: the highest index a PUT may name (torch numbers them from 0 upwards). */
export const MAX_PICKLE_MEMO = 10_000_000;
/** One string or bytes value in a pickle. */
export const MAX_PICKLE_STRING_BYTES = 64 * MiB;
/** Items in all containers (lists, tuples, dicts, sets) a pickle builds, together. */
export const MAX_PICKLE_CONTAINER_ITEMS = 20_000_000;
/** Containers nested inside each other when the result is walked into key paths. */
export const MAX_PICKLE_NESTING = 200;
/** Digits of a text-protocol integer, and bytes of a LONG1/LONG4 integer. */
export const MAX_PICKLE_INT_BYTES = 1024;
/**
 * Byte ranges a non-contiguous tensor view is listed as (its values read run by run in C order,
 * an export composed of slices of the file). Every range is a read and a part of an export: a
 * broadcast view (`expand`, stride 0) of 200,000 elements took 53 s to measure at 1,000,000
 * allowed. A view needing more runs (a large transpose, a broadcast) is gathered in memory
 * instead (formats/pytorch/gather.ts), within the two limits below.
 */
export const MAX_VIEW_RANGES = 65_536;
/**
 * Storage bytes a gathered view may touch, from its first element to its last: they are read
 * into one buffer (checked before anything is read), so this is MAX_BUFFER_BYTES' limit on one
 * tensor in memory. A transposed [16384, 16384] float32 weight just fits.
 */
export const MAX_VIEW_SPAN_BYTES = 1024 * MiB;
/**
 * C-contiguous bytes one gathered view may produce. A stride-0 view over a few bytes of storage
 * can declare any size; this bounds what a stats pass or an export of it would write.
 */
export const MAX_VIEW_GATHERED_BYTES = 16 * 1024 * MiB;
/** Scalars are decoded into the index when their content is at most this long. */
export const MAX_SCALAR_VALUE_BYTES = 16;
/** Largest buffer any code path may allocate at once. */
export const MAX_BUFFER_BYTES = 1024 * MiB;
/** MindSpore's plaintext bytes per cipher block since 1.7 (crypto.h MAX_BLOCK_SIZE). */
export const CIPHER_BLOCK_PLAINTEXT_BYTES = 64 * MiB;
/** Largest ciphertext one cipher block may declare: the 1.3–1.6 layout used 512 MiB blocks (+ CBC padding). */
export const MAX_CIPHER_BLOCK_BYTES = 512 * MiB + 16;
/**
 * Cipher blocks one file may have. MindSpore writes 64 MiB blocks, so 32,768 of them is a 2 TiB
 * checkpoint; a hostile file of tiny blocks costs a decryption and a read per block, and at this
 * count it opens in seconds (65,535 one-byte blocks: 18 s and 250 MB on a busy 2-core machine;
 * a million took minutes and 1.5 GiB).
 */
export const MAX_CIPHER_FRAMES = 32_768;
/** Window for reading the headers of small cipher blocks (many per read). */
export const FRAME_WINDOW_BYTES = 1 * MiB;
/** Decrypted bytes kept for random access (LRU); two whole 64 MiB blocks plus change. */
export const DECRYPT_CACHE_BYTES = 160 * MiB;
/** Unit of decryption when a block can be cut (CBC, legacy CTR): small, so a header read decrypts little. GCM blocks are decrypted whole. */
export const DECRYPT_SEGMENT_BYTES = 4 * MiB;
/** WASM kernels are called on chunks of at most this size so V8 tiers them up (ARCHITECTURE pitfalls). */
export const WASM_CHUNK_BYTES = 1 * MiB;
/** Cipher blocks decrypted at the same time during a full pass. */
export const DECRYPT_CONCURRENCY = 3;
/** Bytes per read while hashing a file for its CRC. */
export const CRC_WINDOW_BYTES = 16 * MiB;

/** Filter expressions: longest text, deepest nesting, largest literal, list and regex sizes. */
export const MAX_FILTER_CHARS = 4096;
export const MAX_FILTER_DEPTH = 32;
export const MAX_FILTER_LITERAL_CHARS = 1024;
export const MAX_FILTER_LIST_ITEMS = 256;
/** Regex NFA states (after expanding {m,n}); matching is linear in input × states. */
export const MAX_REGEX_STATES = 2000;
/**
 * Capture-group matching (rename rules) costs input length × NFA states steps; above this a
 * match would take seconds, so it is refused with a sentence instead (test() has no such cost).
 */
export const MAX_REGEX_CAPTURE_STEPS = 40_000_000;
/** Lazily built DFA states cached per regex; a full cache is cleared and rebuilt (RE2's way). */
export const MAX_REGEX_DFA_STATES = 4096;
/** DFA transition cells (states × character classes) and kernel entries per regex: 4 MiB each. */
export const MAX_REGEX_DFA_CELLS = 1 << 20;
/**
 * Steps one filter evaluation may spend in regexes across all names (one per character, plus
 * the instructions visited to build each new DFA state): about two seconds of work at worst,
 * while a cached pattern reads 1,400 names of 64 KiB (92M characters) well within it.
 */
export const MAX_FILTER_REGEX_STEPS = 200_000_000;
/** Network manifests (text, JSON, graph .meta) larger than this are refused. */
export const MAX_MANIFEST_BYTES = 256 * MiB;
/** As many parameters as a checkpoint may hold (MAX_TENSOR_ENTRIES). */
export const MAX_MANIFEST_ENTRIES = 2_000_000;
/** Name-map rules and exact pairs. */
export const MAX_NAME_MAP_RULES = 1000;
export const MAX_NAME_MAP_PAIRS = 1_000_000;
/** Name-map JSON files are read whole; a million pairs of ~60-byte names fit. */
export const MAX_NAME_MAP_BYTES = 64 * MiB;
/** A key file (--key-file) holds one key as text: a 32-byte key is 64 hex digits; this leaves room for spacing. */
export const MAX_KEY_FILE_BYTES = 4096;
/** Suggestions: candidates compared per unloaded parameter (bounds the edit-distance work). */
export const MAX_SUGGESTION_CANDIDATES = 256;
export const MAX_SUGGESTIONS_TOTAL = 10_000;
/** Unloaded parameters that get a nearest-name search, and edit distances computed for each. */
export const MAX_NEAREST_NAME_PARAMS = 200;
export const MAX_NEAREST_NAME_COMPARISONS = 24;

// Stats, slices and compare (core/stats, core/compare).
/** Histogram bins a caller may ask for. */
export const DEFAULT_HISTOGRAM_BINS = 64;
export const MAX_HISTOGRAM_BINS = 4096;
/** 32/64-bit tensors up to this size keep their bytes for an exact histogram second pass in memory. */
export const STATS_RETAIN_BYTES = 16 * MiB;
/** Slice expressions longer than this are refused before parsing. */
export const MAX_SLICE_EXPRESSION_CHARS = 1024;
/** Values a slice or preview may return at once. */
export const MAX_SLICE_ELEMENTS = 1_000_000;
/** Heat-map grids are block-reduced to at most this many cells per side. */
export const HEATMAP_MAX_SIDE = 256;
/** Values the app's value preview shows at once (the CLI may return up to MAX_SLICE_ELEMENTS). */
export const PREVIEW_MAX_ELEMENTS = 10_000;
/** Rows the app's per-tensor stats and compare tables render at once (sorted; the audit report has all). */
export const NUMBERS_TABLE_MAX_ROWS = 5_000;

// Distributed checkpoints (formats/strategy, core/distributed).
/** Strategy files are read whole; real ones are KB to a few MB. */
export const MAX_STRATEGY_FILE_BYTES = 256 * MiB;
/** Ranks in one distributed set. */
export const MAX_DISTRIBUTED_RANKS = 65_536;
/** A sharded set's index JSON (`model.safetensors.index.json`, `param_name_map.json`): a side input. */
export const MAX_SHARD_INDEX_BYTES = 64 * MiB;
/** Distinct shard files one index may name. */
export const MAX_SHARD_FILES = 65_536;
/** Output produced per step when a merged or re-sliced tensor is generated. */
export const DISTRIBUTED_CHUNK_BYTES = 16 * MiB;
/** Reads of neighbouring strided runs are joined when the gap between them is at most this. */
export const DISTRIBUTED_MAX_READ_GAP_BYTES = 64 * 1024;
/**
 * Memory a merge export may hold in rank-file windows read ahead, across all ranks (three windows
 * per rank, each 1–16 MiB): the slices it needs are read in a few large reads, not one per slice.
 * 8 ranks get 8 MiB windows (measured ~5% faster than 5 MiB; 16 MiB gained nothing more).
 */
export const MERGE_READ_AHEAD_BYTES = 192 * MiB;
