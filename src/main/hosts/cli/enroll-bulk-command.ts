import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { bulkRowsFromFolder, parseBulkCsv, type BulkRow } from '../../../shared/bulk-enrol';
import { StationError } from '../../../shared/errors';
import {
  runBulkEnrolment,
  type BulkProgress,
  type BulkRowResult,
} from '../../../shared/bulk-enrol-run';
import type { CliClient } from './cli-client';
import { toWire } from './cli-commands';
import { EXIT, type Output } from './cli-output';
import { readInputFile } from './read-input-file';

export const ENROLL_BULK_USAGE = `  enroll --csv --consent FILE             bulk enrolment from a CSV (employee_id,name,photo paths,
                                         groups; paths ';'-separated, relative to the CSV);
                                         re-running the same list resumes (enrolled rows skipped)
  enroll --folder DIR --consent          bulk enrolment, one sub-folder of photos per person
                                         ("E0042 - Ada Lovelace" also gives the employee id)`;

/** The largest list file read (5000 rows of long paths fit easily). */
const MAX_LIST_BYTES = 8 * 1024 * 1024;

/**
 * `station enroll --csv FILE` / `--folder DIR`: every row goes through the ordinary
 * enrolment; progress (files done / total) goes to stderr as files finish, the per-row results
 * to stdout (--json: one document). Exit 0 only when every row is enrolled or already was.
 */
export async function enrollBulkCommand(
  client: CliClient,
  out: Output,
  source: { csv: string } | { folder: string },
): Promise<number> {
  const { rows, base } =
    'csv' in source ? await csvRows(source.csv) : await folderRows(source.folder);
  if (rows.length === 0) throw new StationError('BAD_REQUEST', 'The list holds no person.');
  const results = await runBulkEnrolment<{ fileName: string; base64: string }>(
    rows,
    {
      // Each row is one enroll:create call, as the page's bulk enrolment makes.
      enroll: ({ onFileChecked: _progress, ...req }) => client.call('enroll:create', req),
      readPhoto: async (path) =>
        toWire({
          fileName: path,
          bytes: (await readInputFile(isAbsolute(path) ? path : resolve(base, path))).bytes,
        }),
    },
    out.json ? undefined : reportProgress,
  );
  const counts = countStatuses(results);
  out.result({ rows: results, counts }, () => humanReport(results, counts));
  const ok = counts.enrolled + counts.already_enrolled === results.length;
  return ok ? EXIT.ok : EXIT.failed;
}

async function csvRows(file: string): Promise<{ rows: BulkRow[]; base: string }> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_LIST_BYTES)
      throw new Error(`the list is larger than ${MAX_LIST_BYTES / 1e6} MB`);
    text = bytes.toString('utf8');
  } catch (err) {
    throw new StationError('BAD_REQUEST', `Cannot read the list ${file}: ${String(err)}`);
  }
  try {
    return { rows: parseBulkCsv(text), base: dirname(resolve(file)) };
  } catch (err) {
    throw new StationError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
  }
}

async function folderRows(dir: string): Promise<{ rows: BulkRow[]; base: string }> {
  const root = resolve(dir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (err) {
    throw new StationError('BAD_REQUEST', `Cannot read the folder ${dir}: ${String(err)}`);
  }
  const paths = entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
  return { rows: bulkRowsFromFolder(paths), base: root };
}

function reportProgress(p: BulkProgress, row: BulkRowResult | null): void {
  const head = `[${p.filesDone}/${p.filesTotal} files, ${p.rowsDone}/${p.rowsTotal} people]`;
  if (row === null) process.stderr.write(`${head}\r`);
  else process.stderr.write(`${head} line ${row.line} ${row.name}: ${row.status}\n`);
}

type Counts = Record<BulkRowResult['status'], number>;

function countStatuses(results: readonly BulkRowResult[]): Counts {
  const counts: Counts = { enrolled: 0, already_enrolled: 0, invalid: 0, failed: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

function humanReport(results: readonly BulkRowResult[], c: Counts): string {
  const lines = results.flatMap((r) => [
    `line ${r.line}  ${r.status.padEnd(16)} ${r.name}${r.employeeId ? ` (${r.employeeId})` : ''}` +
      (r.message ? `  ${r.message}` : ''),
    ...r.files
      .filter((f) => f.status !== 'enrolled' || f.message)
      .map((f) => `    ${f.status.padEnd(16)} ${f.file}${f.message ? `  (${f.message})` : ''}`),
  ]);
  lines.push(
    `${c.enrolled} enrolled, ${c.already_enrolled} already enrolled, ${c.failed} failed, ` +
      `${c.invalid} invalid rows. Fix the failed rows and run the same list again: ` +
      'enrolled rows are skipped.',
  );
  return lines.join('\n');
}
