import { openAsBlob } from 'node:fs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobSource } from '../io/byte-source';

/** Tests read fixtures where CI has them: ../shared/fixtures beside the checkout. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures');

export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** The browser's read path (Blob.slice) over a real file, via fs.openAsBlob. */
export async function fixtureSource(...parts: string[]): Promise<BlobSource> {
  return new BlobSource(await openAsBlob(fixturePath(...parts)));
}

export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(...parts)));
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export interface ManifestFile {
  file: string;
  kind: string;
  size: number;
  param_count?: number;
  params?: [string, string, number[], number][];
  metadata?: Record<string, string> | null;
  tensors_in_header_order?: [string, string, number[], [number, number]][];
  header_length?: number;
}

export function realManifest(): ManifestFile[] {
  const json = JSON.parse(readFileSync(fixturePath('real', 'MANIFEST.json'), 'utf8')) as { files: ManifestFile[] };
  return json.files;
}
