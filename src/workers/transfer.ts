import * as Comlink from 'comlink';
import { deserializeError, serializeError, type SerializedLensError } from '../base/errors';
import { TensorColumns, type ColumnarIndex, type TensorColumnData } from '../base/tensor-columns';

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
  index: ColumnarIndex;
}

interface WithIndexOnWire {
  data: TensorColumnData;
  /** The result with its index's tensors left out. */
  rest: { index: Omit<ColumnarIndex, 'tensors'> } & Record<string, unknown>;
}

function carriesIndex(value: unknown): value is WithIndex {
  if (typeof value !== 'object' || value === null || !('index' in value)) return false;
  const index = (value as { index: unknown }).index;
  return (
    typeof index === 'object' && index !== null && (index as { tensors?: unknown }).tensors instanceof TensorColumns
  );
}

/**
 * Both sides of every worker register these: a LensError arrives as a LensError, and a value
 * carrying a checkpoint index crosses as its columns' data with the typed arrays transferred
 * (base/tensor-columns.ts says why); the page wraps the data again, copying nothing.
 */
export function installTransferHandlers(): void {
  if (installed) return;
  installed = true;
  Comlink.transferHandlers.set('index', {
    canHandle: carriesIndex,
    serialize: ({ index, ...rest }: WithIndex) => {
      const { tensors, ...facts } = index;
      return [{ data: tensors.data, rest: { ...rest, index: facts } }, tensors.transferables()];
    },
    deserialize: ({ data, rest }: WithIndexOnWire) => ({
      ...rest,
      index: { ...rest.index, tensors: new TensorColumns(data) },
    }),
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
