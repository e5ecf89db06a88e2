import { verifyIntegrity, type IntegrityReport } from '../../integrity/verify';
import { requireOpen, runJob, throttle, type ProgressCallback } from '../registry';

export const integrityApi = {
  /** One streaming pass: CRC (ckpt trailer / safetensors crc_num) and, if encrypted, every block. */
  async verifyFile(fileId: string, jobId: string, onProgress?: ProgressCallback): Promise<IntegrityReport> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      return verifyIntegrity(opened, { signal, ...(progress ? { onProgress: progress } : {}) });
    });
  },
};
