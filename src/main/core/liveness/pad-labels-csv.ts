/**
 * The labels file of `station pad-eval`: `file,label,species` (the format of
 * ../shared/data/spoof_ext/labels.csv), any column order, extra columns ignored, paths relative
 * to the CSV. `label` is live or attack; `species` names the attack instrument (print,
 * replay_phone...; anything for live rows). A `source` (or `source_repo`) column, when present,
 * groups the per-source counts; else the file's folder does.
 */
import { StationError } from '../../../shared/errors';
import type { PadLabelRow } from '../../../shared/pad-eval-types';

export type { PadLabelRow };

function bad(source: string, line: number, why: string): StationError {
  return new StationError('BAD_REQUEST', `${source} line ${line}: ${why}`);
}

/** Cells of one CSV line (RFC 4180 quotes: "a,b" and "" inside quotes); null if a quote is open. */
function splitCsvLine(raw: string): string[] | null {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quoted) {
      if (ch === '"' && raw[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  cells.push(cur.trim());
  return cells;
}

function folderOf(file: string): string {
  const i = file.replace(/\\/g, '/').lastIndexOf('/');
  return i > 0 ? file.slice(0, i) : '.';
}

/** Parses the whole file; throws BAD_REQUEST naming the first malformed line. */
export function parsePadLabelsCsv(text: string, name = 'labels CSV'): PadLabelRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw bad(name, 1, 'the file is empty (expected a header file,label,species)');
  const header = (splitCsvLine(lines[headerAt]!) ?? []).map((h) => h.toLowerCase());
  const missing = ['file', 'label', 'species'].filter((c) => !header.includes(c));
  if (missing.length) {
    throw bad(
      name,
      headerAt + 1,
      `header must have columns file,label,species (missing ${missing.join(',')})`,
    );
  }
  const col = (c: string): number => header.indexOf(c);
  const sourceCol = header.includes('source') ? col('source') : col('source_repo');
  const rows: PadLabelRow[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = splitCsvLine(raw);
    if (!cells) throw bad(name, line, 'a quoted cell is not closed');
    const file = cells[col('file')] ?? '';
    const label = (cells[col('label')] ?? '').toLowerCase();
    const species = cells[col('species')] ?? '';
    if (!file) throw bad(name, line, 'the file cell is empty');
    if (label !== 'live' && label !== 'attack') {
      throw bad(name, line, `label must be live or attack, got "${cells[col('label')] ?? ''}"`);
    }
    if (label === 'attack' && !species) throw bad(name, line, 'an attack row needs a species');
    const source = (sourceCol >= 0 ? cells[sourceCol] : '') || folderOf(file);
    rows.push({ line, file, label, species: label === 'live' ? 'bona_fide' : species, source });
  }
  if (rows.length === 0) throw bad(name, headerAt + 2, 'no labelled rows after the header');
  return rows;
}
