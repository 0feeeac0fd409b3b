import { StationError } from '../../../shared/errors';

/** One labelled pair from a pairs CSV; image paths are as written in the file. */
export interface LabelledPair {
  img1: string;
  img2: string;
  same: boolean;
}

const SAME_VALUES: Record<string, boolean> = { '1': true, true: true, '0': false, false: false };

function bad(source: string, line: number, why: string): StationError {
  return new StationError('BAD_REQUEST', `${source} line ${line}: ${why}`);
}

/** Splits CSV text into trimmed cells per non-blank line (CRLF tolerated, outer quotes removed). */
function csvRows(text: string): { line: number; cells: string[] }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((raw, i) => ({
      line: i + 1,
      cells: raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')),
    }))
    .filter((r) => r.cells.some((c) => c !== ''));
}

/** Column positions of `names` in the header row, or a BAD_REQUEST naming what is missing. */
function columns(header: string[], names: readonly string[], source: string): number[] {
  const lower = header.map((h) => h.toLowerCase());
  const missing = names.filter((n) => !lower.includes(n));
  if (missing.length) {
    throw bad(
      source,
      1,
      `header must have columns ${names.join(',')} (missing ${missing.join(',')})`,
    );
  }
  return names.map((n) => lower.indexOf(n));
}

/**
 * Parses `img1,img2,same` (any column order; other columns such as `fold` are ignored);
 * `same` is 1/0 or true/false. Throws BAD_REQUEST on the first malformed line.
 */
export function parsePairsCsv(text: string, source = 'pairs CSV'): LabelledPair[] {
  const [header, ...rows] = csvRows(text);
  if (!header) throw bad(source, 1, 'the file is empty');
  const [c1, c2, cs] = columns(header.cells, ['img1', 'img2', 'same'], source) as [
    number,
    number,
    number,
  ];
  return rows.map(({ line, cells }) => {
    const img1 = cells[c1] ?? '';
    const img2 = cells[c2] ?? '';
    const same = SAME_VALUES[(cells[cs] ?? '').toLowerCase()];
    if (!img1 || !img2) throw bad(source, line, 'img1 and img2 must not be empty');
    if (same === undefined)
      throw bad(source, line, `same must be 1/0 or true/false, got "${cells[cs] ?? ''}"`);
    return { img1, img2, same };
  });
}

/** Parses `image,group` into image -> groups (an image may be listed under several groups). */
export function parseGroupsCsv(text: string, source = 'groups CSV'): Map<string, string[]> {
  const [header, ...rows] = csvRows(text);
  if (!header) throw bad(source, 1, 'the file is empty');
  const [ci, cg] = columns(header.cells, ['image', 'group'], source) as [number, number];
  const groups = new Map<string, string[]>();
  for (const { line, cells } of rows) {
    const image = cells[ci] ?? '';
    const group = cells[cg] ?? '';
    if (!image || !group) throw bad(source, line, 'image and group must not be empty');
    groups.set(image, [...(groups.get(image) ?? []), group]);
  }
  return groups;
}

/** The groups both images of a pair belong to. */
export function sharedGroups(
  groups: ReadonlyMap<string, readonly string[]>,
  a: string,
  b: string,
): string[] {
  const gb = new Set(groups.get(b) ?? []);
  return [...new Set(groups.get(a) ?? [])].filter((g) => gb.has(g));
}
