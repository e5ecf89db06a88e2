import * as Comlink from 'comlink';
import { deserializeError, serializeError, type SerializedLensError } from '../base/errors';
import type { CheckpointIndex } from '../base/types';
import { decodeIndex, encodeIndex, type IndexColumns } from './index-wire';

/**
 * comlink's default "throw" handler keeps only name/message/stack, dropping our code and
 * details. Both sides register this one, so a LensError arrives as a LensError.
 */
interface ThrownValue {
  value: unknown;
}

let installed = false;

/** A result that carries a checkpoint index (opening a file or a set). */
interface WithIndex {
  index: CheckpointIndex;
}

interface WithIndexOnWire {
  columns: IndexColumns;
  rest: Record<string, unknown>;
}

function carriesIndex(value: unknown): value is WithIndex {
  if (typeof value !== 'object' || value === null || !('index' in value)) return false;
  const index = (value as { index: unknown }).index;
  return typeof index === 'object' && index !== null && Array.isArray((index as { tensors?: unknown }).tensors);
}

/**
 * Both sides of every worker register these: a LensError arrives as a LensError, and a value
 * carrying a checkpoint index crosses as columns with its typed arrays transferred
 * (index-wire.ts says why).
 */
export function installTransferHandlers(): void {
  if (installed) return;
  installed = true;
  Comlink.transferHandlers.set('index', {
    canHandle: carriesIndex,
    serialize: ({ index, ...rest }: WithIndex) => {
      const { columns, transfer } = encodeIndex(index);
      return [{ columns, rest }, transfer];
    },
    deserialize: ({ columns, rest }: WithIndexOnWire) => ({ ...rest, index: decodeIndex(columns) }),
  } as Comlink.TransferHandler<WithIndex, WithIndexOnWire>);
  Comlink.transferHandlers.set('throw', {
    // comlink marks thrown values with a private Symbol("Comlink.thrown"); it is not exported.
    canHandle: (value: unknown): value is ThrownValue =>
      typeof value === 'object' &&
      value !== null &&
      Object.getOwnPropertySymbols(value).some((symbol) => symbol.description === 'Comlink.thrown'),
    serialize: (thrown: ThrownValue) => [serializeError(thrown.value) as unknown as SerializedLensError, []],
    deserialize: (data: unknown) => {
      throw deserializeError(data as SerializedLensError);
    },
  } as Comlink.TransferHandler<ThrownValue, SerializedLensError>);
}
