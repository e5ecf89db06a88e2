import { describe, expect, it } from 'vitest';
import { exportFileName } from './file-name';

describe('exportFileName', () => {
  it('drops the checkpoint extension of any format read, then appends .export.<format>', () => {
    expect(exportFileName('lenet.ckpt', 'ckpt')).toBe('lenet.export.ckpt');
    expect(exportFileName('model.safetensors', 'ckpt')).toBe('model.export.ckpt');
    expect(exportFileName('tiny_cnn.pt', 'ckpt')).toBe('tiny_cnn.export.ckpt');
    expect(exportFileName('pytorch_model.BIN', 'safetensors')).toBe('pytorch_model.export.safetensors');
    expect(exportFileName('weights.tar', 'ckpt')).toBe('weights.tar.export.ckpt');
  });
});
