/**
 * The plain-data index every format scanner produces. It names tensors and where their bytes
 * are; it never holds tensor bytes. It crosses the worker boundary and is printed by the CLI.
 */

export type FormatId = 'ckpt' | 'safetensors' | 'pytorch';
export type CipherMode = 'AES-GCM' | 'AES-CBC' | 'SM4-CBC';

export interface ByteRange {
  /** Offset in the plaintext byte stream of the file. */
  offset: number;
  length: number;
}

export type TensorKind = 'tensor' | 'string' | 'random_op' | 'map';

/** Things about one tensor that a careful reader should know; data, not exceptions. */
export type TensorProblemCode =
  | 'size-mismatch'
  | 'unknown-dtype'
  | 'not-loadable-dtype'
  | 'legacy-bfloat16-as-float32'
  | 'legacy-scalar-dims'
  | 'map-tensor-unsupported'
  | 'duplicate-name'
  | 'past-end-of-file'
  | 'overlaps-previous'
  | 'dim-too-large-for-mindspore'
  | 'string-not-utf32'
  | 'string-too-large'
  | 'no-mindspore-dtype'
  | 'view-outside-storage'
  | 'view-too-fragmented';

export interface TensorProblem {
  code: TensorProblemCode;
  detail?: string;
}

export interface TensorEntry {
  name: string;
  /** MindSpore dtype name (`Float32`, `BFloat16`, `str`, `random_op`, …) or the raw unknown name. */
  dtype: string;
  /** The format's own dtype name where it differs (safetensors `F32`, MapTensor inner types). */
  rawDtype?: string;
  /** Shape as MindSpore loads it (legacy `dims [0]` scalars become `[]`). */
  shape: number[];
  /** ckpt only: dims exactly as stored in the last record of the run. */
  storedDims?: number[];
  kind: TensorKind;
  /** Bytes of content in the file (sum over records). */
  bytes: number;
  /**
   * Where the content lies, in C order; several ranges when MindSpore split the tensor into
   * records or a PyTorch view is read run by run. Except for a gathered view (`view.gathered`):
   * its one range is the storage span the view touches, not its values — read any tensor's
   * values through formats/pytorch/gather.ts `viewContent`.
   */
  ranges: ByteRange[];
  /** Decoded value for strings and small scalars. */
  value?: string | number | boolean;
  problems?: TensorProblem[];
  /**
   * PyTorch only: how the tensor views its storage. `ranges` list the bytes in C order (one range
   * per contiguous run), unless the view is `gathered`.
   */
  view?: TensorView;
  /** Sharded sets only: the shard file that holds this tensor. */
  shard?: string;
}

export interface TensorView {
  /** The storage's key in the file (`data/<key>` in a zip archive). */
  storage: string;
  /** In elements, as torch counts them. */
  storageOffset: number;
  strides: number[];
  contiguous: boolean;
  /**
   * The view needs more than MAX_VIEW_RANGES runs, so it is not listed run by run: `ranges` is
   * ONE range, the storage span from its first element to its last, and its values are gathered
   * from that span in memory (formats/pytorch/gather.ts). `bytes` stays its C-contiguous size.
   */
  gathered?: true;
}

export type FileProblemCode =
  | 'safetensors-gap'
  | 'safetensors-overlap'
  | 'safetensors-trailing-bytes'
  | 'safetensors-past-end'
  | 'safetensors-duplicate-key'
  | 'ckpt-duplicate-tag'
  /** Top-level fields of the Checkpoint message that are not records: protobuf skips them. */
  | 'ckpt-unknown-field'
  | 'empty-checkpoint'
  | 'crc-trailer-after-encryption'
  | 'pickle-calls-function'
  | 'zip-trailing-bytes'
  | 'pickle-needs-classes'
  | 'pickle-unsupported-object'
  | 'ddp-prefix'
  // sharded sets (core/sharded): the index JSON and the shard files disagree
  | 'shard-file-missing'
  | 'shard-file-not-regular'
  | 'shard-tensor-missing'
  | 'shard-tensor-not-indexed'
  | 'shard-duplicate-name'
  | 'shard-total-size-mismatch';

export interface FileProblem {
  code: FileProblemCode;
  detail: string;
  offset?: number;
}

/** Why a stored crc_num cannot be a CRC-32: above 2^32−1, negative, or not a decimal number. */
export type StoredCrcProblem = 'above-32-bits' | 'negative' | 'not-a-number';

export interface CrcInfo {
  present: boolean;
  /** null until verified. */
  ok: boolean | null;
  /** CRC stored in the file (ckpt trailer or safetensors metadata); null when what is stored cannot be a CRC-32. */
  expected: number | null;
  /**
   * What is stored, exactly, when it cannot be a CRC-32 (`expected` is then null): the trailer's
   * 10 bytes in hex, or the metadata's text; and why it cannot be one.
   */
  stored?: { text: string; problem: StoredCrcProblem };
  /** CRC computed over the file, once verified. */
  actual: number | null;
  /**
   * A PyTorch zip archive: no one CRC, but one per entry (this many); `expected`/`actual` stay
   * null and the integrity report lists the entries that differ.
   */
  zipEntries?: number;
}

export interface EncryptionInfo {
  mode: CipherMode;
  layout: 'current' | 'legacy';
}

/** A zip entry whose data offset was inferred, with what its local header must confirm. */
export interface ZipUncheckedEntry {
  name: string;
  localHeaderOffset: number;
  dataOffset: number;
  size: number;
}

export interface CheckpointIndex {
  format: FormatId;
  /** Size of the file on disk. */
  size: number;
  /** Size of the plaintext stream the tensors' ranges refer to. */
  plaintextSize: number;
  encryption: EncryptionInfo | null;
  crc: CrcInfo;
  /** Append-dict style values for ckpt; `__metadata__` for safetensors. */
  metadata: Record<string, string | number | boolean>;
  tensors: TensorEntry[];
  problems: FileProblem[];
  /** safetensors only: header facts. */
  header?: { length: number; dataStart: number };
  /**
   * torch zip only: storages placed from the central directory without reading their local
   * headers (formats/pytorch/zip inferDataOffsets). Their ranges are a claim until the header is
   * read: core/open checks each when its bytes are first read (formats/pytorch/checked-source).
   */
  zipUnchecked?: ZipUncheckedEntry[];
  /** Set when several shard files open as one checkpoint (core/sharded). */
  sharded?: ShardedSetInfo;
}

export type ShardIndexKind = 'huggingface' | 'mindspore-unified';

export interface ShardInfo {
  /** File name as the index names it. */
  file: string;
  format: FormatId;
  size: number;
  tensorCount: number;
  /** Where this shard's plaintext starts in the set's virtual byte stream. */
  base: number;
}

export interface ShardedSetInfo {
  /** The index JSON's file name. */
  indexFile: string;
  kind: ShardIndexKind;
  /** `metadata.total_size` as the index declares it. */
  declaredTotalSize: number | null;
  /** The shards that opened, in the order their bytes are laid end to end. */
  shards: ShardInfo[];
}
