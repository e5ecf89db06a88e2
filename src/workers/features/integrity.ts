import { sha256OfSource, type FileFingerprint } from '../../integrity/fingerprint';
import { verifyIntegrity, type IntegrityReport } from '../../integrity/verify';
import { BlobSource } from '../../io/byte-source';
import { poolSize, poolWindowCrc } from '../decrypt-pool';
import { requireOpen, runJob, throttle, type ProgressCallback } from '../registry';

export const integrityApi = {
  /** One streaming pass: CRC (ckpt trailer / safetensors crc_num) and, if encrypted, every block. */
  async verifyFile(fileId: string, jobId: string, onProgress?: ProgressCallback): Promise<IntegrityReport> {
    return runJob(jobId, async (signal) => {
      const opened = requireOpen(fileId);
      const progress = throttle(onProgress);
      // Blocks decrypt on the pool when the file's mode needs it; keep every member busy. The
      // trailer CRC's windows are hashed there too, while this worker reads the next ones.
      return verifyIntegrity(opened, {
        signal,
        concurrency: poolSize() + 1,
        windowCrc: poolWindowCrc,
        ...(progress ? { onProgress: progress } : {}),
      });
    });
  },

  /** SHA-256 of the file as stored (the digest hubs publish), in one streaming pass. */
  async fingerprintFile(fileId: string, jobId: string, onProgress?: ProgressCallback): Promise<FileFingerprint> {
    return runJob(jobId, async (signal) => {
      const progress = throttle(onProgress);
      return sha256OfSource(new BlobSource(requireOpen(fileId).file), {
        signal,
        ...(progress ? { onProgress: progress } : {}),
      });
    });
  },
};
