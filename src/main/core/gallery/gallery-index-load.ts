import type { TemplateLabel } from '../ports/template-store';
import { INDEX_FILE_FORMAT, type IndexBinding, type SealedIndexFile } from './gallery-index-file';
import { labelPersons } from './gallery-label-check';
import { decodeLabelMap } from './gallery-label-map';
import type { VectorIndex, VectorIndexFactory } from './vector-index';

/** A saved index that fits the database, ready to serve. */
export interface LoadedIndex {
  index: VectorIndex;
  /** Per label: the template id (REMOVED_LABEL once erased). */
  labels: number[];
  /** Per label: the person (undefined once erased). */
  persons: (string | undefined)[];
  /** The GCM tag of the sealing it was read from. */
  tag: string;
}

/**
 * Reads the saved index if it is exactly what the database describes: same file format, index
 * kind, embedding space and template-set fingerprint, a sealing that opens under that binding,
 * and labels that are the database's rows (`rows`) with their persons. Otherwise returns why
 * not, and the gallery rebuilds from the database.
 */
export function loadSavedIndex(
  file: SealedIndexFile,
  binding: IndexBinding,
  factory: VectorIndexFactory,
  rows: TemplateLabel[],
): LoadedIndex | string {
  if (!file.exists()) return 'index file missing';
  try {
    const meta = file.meta() ?? {};
    if (meta.format !== INDEX_FILE_FORMAT)
      return `index file format ${String(meta.format)} != ${INDEX_FILE_FORMAT}`;
    // A kind change (size policy crossed, admin choice) is a rebuild from the database.
    if (meta.kind !== binding.kind) return `index kind ${String(meta.kind)} != ${binding.kind}`;
    if (meta.modelId !== binding.modelId) return `index built for model ${String(meta.modelId)}`;
    if (meta.fingerprint !== binding.fingerprint) return 'index stale (templates changed)';
    // Metas of older stations carried a SHA-256 instead: the file is rebuilt once.
    if (typeof meta.tag !== 'string') return 'index meta names no sealing tag';
    const bytes = file.open(binding, meta.tag);
    if (bytes === null) return 'index file checksum mismatch';
    const decoded = decodeIndex(bytes, factory, binding.dim);
    const persons = labelPersons(decoded.map, decoded.index, rows);
    if (typeof persons === 'string') return persons;
    return { index: decoded.index, labels: decoded.map.labels, persons, tag: meta.tag };
  } catch (err) {
    return `index unreadable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The label map and index in the file's plaintext, which is zeroed unless the index uses it. */
function decodeIndex(bytes: Buffer, factory: VectorIndexFactory, dim: number) {
  let index: VectorIndex | undefined;
  let indexBytes = 0;
  try {
    const map = decodeLabelMap(bytes);
    indexBytes = map.index.length;
    index = factory.fromBuffer(map.index, dim);
    return { map, index };
  } finally {
    // Plaintext vectors: zeroed, except what the index now uses as its own memory.
    if (index?.keepsLoadBuffer) bytes.subarray(0, bytes.length - indexBytes).fill(0);
    else bytes.fill(0);
  }
}
