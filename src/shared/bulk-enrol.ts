/**
 * Bulk enrolment lists (CSV or one sub-folder per person): pure parsing and checking shared by the
 * admin view and `station enroll --csv`, so both accept and refuse the same rows.
 */
import { LIMITS } from './limits';
import {
  employeeIdProblem,
  groupListProblem,
  personNameProblem,
  splitGroups,
} from './person-fields';

export interface BulkRow {
  /** 1-based line of the CSV (or position in the folder list), for the admin's reference. */
  line: number;
  employeeId: string | null;
  name: string;
  /** Photo paths as written (CSV: relative to the CSV's folder). */
  photos: string[];
  groups: string[];
  /** Why the row cannot be enrolled as it stands; empty = ready. */
  problems: string[];
}

/** Most rows one list may hold: a site of a few hundred people, with room to spare. */
export const MAX_BULK_ROWS = 5000;
/** Photo files a bulk enrolment accepts (the contract's image types). */
export const BULK_PHOTO_FILE = /\.(jpe?g|png|webp)$/i;

const HEADER_NAMES = {
  employeeId: ['employee_id', 'employee id', 'employeeid', 'id'],
  name: ['name'],
  photos: ['photo paths', 'photo_paths', 'photos', 'photo'],
  groups: ['groups', 'group'],
} as const;

/** RFC 4180 fields of a CSV text (quotes, doubled quotes, CRLF or LF); a BOM is dropped. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.length === 0) quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

type Columns = Record<keyof typeof HEADER_NAMES, number>;

/** Column positions from a header line, or null when the first line is data. */
function headerColumns(first: readonly string[]): Columns | null {
  const names = first.map((f) => f.trim().toLowerCase());
  const find = (options: readonly string[]) => names.findIndex((n) => options.includes(n));
  const cols = {
    employeeId: find(HEADER_NAMES.employeeId),
    name: find(HEADER_NAMES.name),
    photos: find(HEADER_NAMES.photos),
    groups: find(HEADER_NAMES.groups),
  };
  return cols.name >= 0 && cols.photos >= 0 ? cols : null;
}

/**
 * The rows of a bulk CSV, each checked on its own (a bad row never stops the others). Photo
 * paths and groups are `;`-separated inside their field. Without a header the columns are
 * `employee_id,name,photo paths,groups`. Throws only when the text is no list at all.
 */
export function parseBulkCsv(text: string): BulkRow[] {
  const records = parseCsvRecords(text);
  const header = records[0] ? headerColumns(records[0]) : null;
  const cols: Columns = header ?? { employeeId: 0, name: 1, photos: 2, groups: 3 };
  const offset = header ? 1 : 0;
  const data = records.slice(offset);
  if (data.length > MAX_BULK_ROWS)
    throw new Error(`The list has ${data.length} rows; at most ${MAX_BULK_ROWS} per import.`);
  const rows: BulkRow[] = [];
  data.forEach((record, i) => {
    if (record.every((f) => f.trim() === '')) return; // blank line
    const at = (c: number) => (c >= 0 ? (record[c] ?? '').trim() : '');
    rows.push(
      checkRow({
        line: i + 1 + offset,
        employeeId: at(cols.employeeId) || null,
        name: at(cols.name),
        photos: at(cols.photos)
          .split(/[;|]/)
          .map((p) => p.trim())
          .filter((p) => p.length > 0),
        groups: splitGroups(at(cols.groups)),
        problems: [],
      }),
    );
  });
  markRepeatedIds(rows);
  return rows;
}

/**
 * Folder mode: one sub-folder of photos per person, named after them; a folder named
 * `E0042 - Ada Lovelace` also gives the employee id. `paths` are relative to the chosen folder.
 */
export function bulkRowsFromFolder(paths: readonly string[]): BulkRow[] {
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.length !== 2 || !BULK_PHOTO_FILE.test(parts[1]!)) continue;
    byFolder.set(parts[0]!, [...(byFolder.get(parts[0]!) ?? []), path]);
  }
  const rows = [...byFolder.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([folder, photos], i) => {
      const m = /^(\S+)\s+-\s+(.+)$/.exec(folder);
      return checkRow({
        line: i + 1,
        employeeId: m ? m[1]! : null,
        name: m ? m[2]!.trim() : folder,
        photos: photos.sort(),
        groups: [],
        problems: [],
      });
    });
  markRepeatedIds(rows);
  return rows;
}

function checkRow(row: BulkRow): BulkRow {
  const problems: string[] = [];
  const name = personNameProblem(row.name, LIMITS.maxNameLength);
  if (name) problems.push(name);
  const id = row.employeeId === null ? null : employeeIdProblem(row.employeeId);
  if (id) problems.push(id);
  if (row.photos.length === 0) problems.push('No photo is listed.');
  if (row.photos.length > LIMITS.maxEnrollFiles)
    problems.push(`${row.photos.length} photos listed; at most ${LIMITS.maxEnrollFiles}.`);
  const badType = row.photos.find((p) => !BULK_PHOTO_FILE.test(p));
  if (badType) problems.push(`Not a JPEG, PNG or WebP photo: ${badType}`);
  const groups = groupListProblem(row.groups);
  if (groups) problems.push(groups);
  return { ...row, problems };
}

/** A second row with an employee id already used above would enrol one employee twice. */
function markRepeatedIds(rows: BulkRow[]): void {
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.employeeId === null) continue;
    const key = row.employeeId.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, row.line);
    else row.problems.push(`Employee id ${row.employeeId} is also on line ${first}.`);
  }
}

/** `a/b/../c.jpg` relative to `base` ('' = the root), or null when it leaves the root. */
export function resolveRelative(base: string, path: string): string | null {
  const parts = [...base.split('/'), ...path.replace(/\\/g, '/').split('/')].filter(
    (p) => p.length > 0 && p !== '.',
  );
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(p);
  }
  return out.join('/');
}
