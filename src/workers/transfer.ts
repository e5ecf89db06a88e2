import * as Comlink from 'comlink';
import { deserializeError, serializeError, type SerializedLensError } from '../base/errors';

/**
 * comlink's default "throw" handler keeps only name/message/stack, dropping our code and
 * details. Both sides register this one, so a LensError arrives as a LensError.
 */
interface ThrownValue {
  value: unknown;
}

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
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
