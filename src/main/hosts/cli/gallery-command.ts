import {
  INDEX_CHOICES,
  type GalleryView,
  type IndexChoice,
} from '../../../shared/channels/cli-channels';
import { StationError } from '../../../shared/errors';
import { chooseIndexKind } from '../../core/gallery/index-policy';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

export type { IndexChoice };

const CHOICES: readonly string[] = INDEX_CHOICES;

export const GALLERY_USAGE = `  gallery stats                          index kind, size, removed labels, search parameters
  gallery rebuild [--index flat|pq|hnsw|ivf|auto]
                                         rebuild the search index from the database; --index
                                         sets the kind (audited; auto = follow gallery size)`;

/** Usage check before the station opens: null when fine, else the message (exit 2). */
export function checkGalleryUsage(rest: string[], index: string | undefined): string | null {
  const [sub, ...extra] = rest;
  if (extra.length) return 'gallery takes one subcommand (stats | rebuild)';
  if (sub === 'stats') return index === undefined ? null : '--index is for gallery rebuild';
  if (sub === 'rebuild') {
    return index === undefined || CHOICES.includes(index)
      ? null
      : `--index must be one of ${CHOICES.join(', ')}`;
  }
  return 'unknown gallery subcommand (try: gallery stats | gallery rebuild [--index KIND])';
}

export function parseIndexChoice(value: string | undefined): IndexChoice | undefined {
  if (value === undefined) return undefined;
  if (CHOICES.includes(value)) return value as IndexChoice;
  throw new StationError('BAD_REQUEST', `--index must be one of ${CHOICES.join(', ')}`);
}

function describe(v: GalleryView): string {
  const s = v.index;
  const params = Object.entries(s.params)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  const policy = chooseIndexKind(v.templates, s.kind);
  const setting =
    v.indexSetting === 'auto'
      ? `follows gallery size (${policy} for ${v.templates} templates)`
      : `${v.indexSetting} (set by an admin; size policy would pick ${policy})`;
  return [
    `index: ${s.kind}${params ? ` (${params})` : ''}, ${s.dim}-d, ${s.engine}`,
    `vectors: ${s.live} live, ${s.removed} removed, ${v.templates} templates in the database`,
    `kind setting: ${setting}`,
    s.rebuildRecommended ? 'rebuild recommended: many removed labels' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** `station gallery stats|rebuild [--index flat|pq|hnsw|ivf|auto] [--json]`. */
export async function galleryCommand(
  client: CliClient,
  out: Output,
  sub: string | undefined,
  index: string | undefined,
): Promise<number> {
  if (sub === 'stats') {
    const view = await client.call('gallery:stats', {});
    out.result(view, () => describe(view));
    return EXIT.ok;
  }
  if (sub === 'rebuild') {
    const started = Date.now();
    const choice = parseIndexChoice(index);
    const view = await client.call(
      'gallery:rebuild',
      choice === undefined ? {} : { index: choice },
    );
    const seconds = (Date.now() - started) / 1000;
    out.result({ ...view, seconds }, () => `rebuilt in ${seconds.toFixed(1)} s\n${describe(view)}`);
    return EXIT.ok;
  }
  throw new StationError('BAD_REQUEST', `gallery: expected stats or rebuild, got ${String(sub)}`);
}
