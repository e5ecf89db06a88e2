// Kept apart from fingerprint.ts so the page can compare digests without loading hash-wasm.

/** A digest the user pasted (any case, spaces, `sha256:` prefix) compared with ours; null if not hex-64. */
export function matchesPublishedDigest(ours: string, published: string): boolean | null {
  const cleaned = published
    .trim()
    .toLowerCase()
    .replace(/^sha-?256[:=\s]*/, '')
    .replace(/\s+/g, '');
  if (!/^[0-9a-f]{64}$/.test(cleaned)) return null;
  return cleaned === ours.toLowerCase();
}
