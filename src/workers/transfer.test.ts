import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { toColumnar, type ColumnarIndex } from '../base/tensor-columns';
import { installTransferHandlers } from './transfer';

describe('the transfer handlers', () => {
  it('crosses the worker boundary as columns, its buffers transferred', () => {
    installTransferHandlers();
    const handler = Comlink.transferHandlers.get('index') as Comlink.TransferHandler<unknown, unknown>;
    const index = toColumnar({
      format: 'safetensors',
      size: 8,
      plaintextSize: 8,
      encryption: null,
      crc: { present: false, ok: null, expected: null, actual: null },
      metadata: {},
      problems: [],
      tensors: [
        { name: 'w', dtype: 'Float32', shape: [1], kind: 'tensor', bytes: 4, ranges: [{ offset: 8, length: 4 }] },
      ],
    });
    const result = { index, summary: { tensors: 1 } };
    expect(handler.canHandle(result)).toBe(true);
    const [wire, transfer] = handler.serialize(result);
    const moved = structuredClone(wire, { transfer });
    expect(index.tensors.data.bytes.length).toBe(0); // detached: moved, not copied
    const back = handler.deserialize(moved) as { index: ColumnarIndex; summary: unknown };
    expect(back.summary).toEqual({ tensors: 1 });
    expect(back.index.format).toBe('safetensors');
    expect(back.index.tensors.entries()).toEqual([
      { name: 'w', dtype: 'Float32', shape: [1], kind: 'tensor', bytes: 4, ranges: [{ offset: 8, length: 4 }] },
    ]);
    expect(handler.canHandle({ index: { tensors: [] } })).toBe(false);
  });
});
