/**
 * Subresource-Integrity checks (the `integrity` strings npm records), done before a tarball is
 * unpacked, so a corrupted or substituted download is never parsed.
 */
import { createHash } from 'node:crypto';

const SUPPORTED = new Set(['sha512', 'sha384', 'sha256']);

export interface SriHash {
  algorithm: string;
  base64: string;
}

/** Parses "sha512-<base64> [sha256-<base64> ...]"; ignores options ("?foo") and unknown algorithms. */
export function parseIntegrity(integrity: string): SriHash[] {
  const hashes: SriHash[] = [];
  for (const token of integrity.trim().split(/\s+/)) {
    const match = /^([a-z0-9]+)-([A-Za-z0-9+/=]+)(\?.*)?$/.exec(token);
    if (!match?.[1] || !match[2] || !SUPPORTED.has(match[1])) continue;
    hashes.push({ algorithm: match[1], base64: match[2] });
  }
  return hashes;
}

export function computeIntegrity(data: Uint8Array, algorithm = 'sha512'): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;
}

/**
 * True when `data` matches the strongest algorithm present in `integrity` (SRI semantics:
 * any hash of that strongest algorithm may match). An integrity with no usable hash never matches.
 */
export function matchesIntegrity(data: Uint8Array, integrity: string): boolean {
  const hashes = parseIntegrity(integrity);
  const strongest = ['sha512', 'sha384', 'sha256'].find((alg) =>
    hashes.some((h) => h.algorithm === alg),
  );
  if (!strongest) return false;
  const actual = createHash(strongest).update(data).digest('base64');
  return hashes.some((h) => h.algorithm === strongest && h.base64 === actual);
}
