import { StationError } from '../../shared/errors';
import { chooseIndexKind } from '../core/gallery/index-policy';
import { INDEX_KINDS, type IndexKind, type VectorIndexStats } from '../core/gallery/vector-index';
import { EXIT, type Output } from './cli-output';

/**
 * `station gallery stats|rebuild [--index flat|hnsw|ivf] [--json]` (DRAFT: not registered in
 * station-cli.ts yet). The Station facade does not expose its gallery's index; the lead wires
 * an implementation of GalleryIndexAdmin (see the issue-5 report) and registers the command.
 */
export interface GalleryIndexAdmin {
  /** Index statistics plus the template count in the database. */
  galleryStats(): { templates: number; index: VectorIndexStats };
  /** Rebuilds the index from the database as `kind` (default: the size policy's choice). */
  rebuildGallery(kind: IndexKind | undefined): { templates: number; index: VectorIndexStats };
}

export const GALLERY_USAGE = `  gallery stats                          index kind, size, removed labels, search parameters
  gallery rebuild [--index flat|hnsw|ivf]
                                         rebuild the search index from the database`;

export function parseIndexKind(value: string | undefined): IndexKind | undefined {
  if (value === undefined) return undefined;
  if ((INDEX_KINDS as readonly string[]).includes(value)) return value as IndexKind;
  throw new StationError('BAD_REQUEST', `--index must be one of ${INDEX_KINDS.join(', ')}`);
}

function describe(templates: number, s: VectorIndexStats): string {
  const params = Object.entries(s.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const policy = chooseIndexKind(templates);
  return [
    `index: ${s.kind}${params ? ` (${params})` : ''}, ${s.dim}-d`,
    `vectors: ${s.live} live, ${s.removed} removed (tombstones), ${templates} templates in the database`,
    `size policy for ${templates} templates: ${policy}${policy === s.kind ? '' : ' (differs: `station gallery rebuild` switches)'}`,
    s.rebuildRecommended ? 'rebuild recommended: many removed labels' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function galleryCommand(
  admin: GalleryIndexAdmin,
  out: Output,
  sub: string | undefined,
  index: string | undefined,
): number {
  if (sub === 'stats') {
    if (index !== undefined) throw new StationError('BAD_REQUEST', '--index is for rebuild');
    const { templates, index: stats } = admin.galleryStats();
    out.result({ templates, index: stats }, () => describe(templates, stats));
    return EXIT.ok;
  }
  if (sub === 'rebuild') {
    const started = Date.now();
    const { templates, index: stats } = admin.rebuildGallery(parseIndexKind(index));
    const seconds = (Date.now() - started) / 1000;
    out.result(
      { templates, index: stats, seconds },
      () => `rebuilt in ${seconds.toFixed(1)} s\n${describe(templates, stats)}`,
    );
    return EXIT.ok;
  }
  throw new StationError('BAD_REQUEST', `gallery: expected stats or rebuild, got ${String(sub)}`);
}
