import { verifyIntegrity, type IntegrityReport } from '../../integrity/verify';
import { poolSize } from '../decrypt-pool';
import { requireOpen, runJob, throttle, type ProgressCallback } from '../registry';

export const integrityApi = {
  /** One streaming pass: CRC (ckpt trailer / safetensors crc_num) and, if encrypted, every block. */
  async verifyFile(fileId: string, jobId: string, onProgress?: ProgressCallback): Promise<IntegrityReport> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      // Blocks decrypt on the pool when the file's mode needs it; keep every member busy.
      return verifyIntegrity(opened, {
        signal,
        concurrency: poolSize() + 1,
        ...(progress ? { onProgress: progress } : {}),
      });
    });
  },
};
