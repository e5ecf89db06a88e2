import { LensError, withFile } from '../../base/errors';
import { MAX_MANIFEST_BYTES } from '../../base/limits';
import { tensorRowsOf } from '../../base/tensor-columns';
import type { CheckpointIndex } from '../../base/types';
import { parseManifestBytes, sniffManifest } from '../../formats/manifest/parse';
import type { NetworkManifest, NetworkParam } from '../../formats/manifest/types';
import type { ByteSource } from '../../io/byte-source';
import { readWholeBounded } from '../../io/read-whole';
import { openCheckpoint } from '../open';
import { plural } from '../../base/plural';

const SNIFF_BYTES = 4096;

/** Another checkpoint as the network: its tensors are what the net expects. */
export function manifestFromCheckpoint(index: CheckpointIndex): NetworkManifest {
  // By position: a columnar index gives its shapes shared, and makes no entry per tensor.
  const rows = tensorRowsOf(index);
  const params: NetworkParam[] = [];
  let dropped = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const kind = rows.kind(i);
    // A network has no str or random_op parameters; those records are not expectations.
    if (kind === 'string' || kind === 'random_op') {
      dropped += 1;
      continue;
    }
    params.push({ name: rows.name(i), dtype: rows.dtype(i), shape: rows.shape(i) });
  }
  const notes =
    dropped > 0
      ? [
          `${plural(dropped, 'string/random_op record')} of the reference checkpoint ${dropped === 1 ? 'is not a network parameter' : 'are not network parameters'}.`,
        ]
      : [];
  return { kind: 'checkpoint', layout: index.format, params, notes };
}

/**
 * Open a network manifest of any supported kind, decided by content: JSON, text dump,
 * MindSpore graph .meta, or another .ckpt/.safetensors (encrypted ones need their key in the
 * checkpoint view, not here).
 */
export async function openManifest(
  source: ByteSource,
  options: { file?: string; signal?: AbortSignal } = {},
): Promise<NetworkManifest> {
  const { file, signal } = options;
  try {
    if (source.size === 0) throw new LensError('manifest-empty');
    const head = await source.read(0, Math.min(SNIFF_BYTES, source.size), signal);
    if (sniffManifest(head, source.size) === 'checkpoint') {
      const { index } = await openCheckpoint(source, signal ? { signal, columns: true } : { columns: true });
      return manifestFromCheckpoint(index);
    }
    const bytes = await readWholeBounded(
      source,
      MAX_MANIFEST_BYTES,
      (size) => new LensError('manifest-too-large', { actual: size, limit: MAX_MANIFEST_BYTES }),
      signal,
    );
    return parseManifestBytes(bytes, file);
  } catch (error) {
    throw file ? withFile(error, file) : error;
  }
}
