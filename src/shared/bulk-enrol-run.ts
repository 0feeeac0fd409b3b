import type { BulkRow } from './bulk-enrol';
import type { EnrollFileResult, EnrollResult, PersonRef } from './domain';
import { toErrorPayload } from './errors';

/** One row's enrolment request; images are whatever the host reads (bytes, or base64). */
export interface BulkEnrolRequest<I> {
  name: string;
  consent: true;
  images: I[];
  employeeId: string | undefined;
  groups: string[];
  /** A re-run skips an employee id that is already enrolled (the list resumes). */
  skipEnrolledEmployee: true;
  /** Called as each photo's check finishes, where the host can tell (in-process runs). */
  onFileChecked: () => void;
}

/** What became of one row of a bulk list. */
export type BulkRowStatus =
  /** A new person was enrolled (some photos may still have been refused: see `files`). */
  | 'enrolled'
  /** Already enrolled by an earlier run (same employee id, or same name and face): skipped. */
  | 'already_enrolled'
  /** The row itself is wrong (no name, bad id, no photo...): nothing was read. */
  | 'invalid'
  /** No photo gave a usable face, or a face matches someone else: nothing was enrolled. */
  | 'failed';

export interface BulkRowResult {
  line: number;
  employeeId: string | null;
  name: string;
  status: BulkRowStatus;
  person: PersonRef | null;
  /** Every listed photo with its own outcome (missing files included), in list order. */
  files: EnrollFileResult[];
  /** One sentence for the admin: why the row failed or was skipped. */
  message: string | null;
}

export interface BulkProgress {
  filesDone: number;
  filesTotal: number;
  rowsDone: number;
  rowsTotal: number;
}

export interface BulkEnrolmentDeps<I> {
  enroll: (req: BulkEnrolRequest<I>) => Promise<EnrollResult>;
  /** Reads a listed photo (the CLI: relative to the list's folder); throws a StationError. */
  readPhoto: (path: string) => Promise<I>;
}

/**
 * Runs a checked bulk list row by row through the ordinary enrolment; a bad row never stops the
 * others. Re-running resumes: enrolled employee ids are skipped and a same-name face match is
 * reported as already enrolled, never enrolled twice.
 */
export async function runBulkEnrolment<I>(
  rows: readonly BulkRow[],
  d: BulkEnrolmentDeps<I>,
  onProgress: (p: BulkProgress, row: BulkRowResult | null) => void = () => undefined,
): Promise<BulkRowResult[]> {
  const progress: BulkProgress = {
    filesDone: 0,
    filesTotal: rows.reduce((n, r) => n + (r.problems.length ? 0 : r.photos.length), 0),
    rowsDone: 0,
    rowsTotal: rows.length,
  };
  const results: BulkRowResult[] = [];
  for (const row of rows) {
    const before = progress.filesDone;
    const result = await enrolRow(row, d, () => {
      progress.filesDone += 1;
      onProgress({ ...progress }, null);
    });
    // A skipped row's photos are done too (an enrolled employee's are never checked again).
    if (row.problems.length === 0) progress.filesDone = before + row.photos.length;
    progress.rowsDone += 1;
    results.push(result);
    onProgress({ ...progress }, result);
  }
  return results;
}

async function enrolRow<I>(
  row: BulkRow,
  d: BulkEnrolmentDeps<I>,
  fileDone: () => void,
): Promise<BulkRowResult> {
  const base = { line: row.line, employeeId: row.employeeId, name: row.name };
  if (row.problems.length > 0)
    return { ...base, status: 'invalid', person: null, files: [], message: row.problems.join(' ') };
  const images: I[] = [];
  const unreadable = new Map<string, EnrollFileResult>();
  for (const path of row.photos) {
    try {
      images.push(await d.readPhoto(path));
    } catch (err) {
      const p = toErrorPayload(err);
      const status = p.code === 'IMAGE_TOO_LARGE' ? 'too_large' : 'unreadable';
      unreadable.set(path, { file: path, status, message: p.message });
      fileDone();
    }
  }
  let result: EnrollResult = { person: null, files: [] };
  try {
    if (images.length > 0)
      result = await d.enroll({
        name: row.name,
        consent: true,
        images,
        employeeId: row.employeeId ?? undefined,
        groups: row.groups,
        skipEnrolledEmployee: true,
        onFileChecked: () => fileDone(),
      });
  } catch (err) {
    return {
      ...base,
      status: 'failed',
      person: null,
      files: [],
      message: toErrorPayload(err).message,
    };
  }
  const checked = new Map(result.files.map((f) => [f.file, f]));
  const files = row.photos.map(
    (p) => unreadable.get(p) ?? checked.get(p) ?? { file: p, status: 'enrolled' as const },
  );
  return { ...base, ...outcome(row, result, unreadable.size === row.photos.length), files };
}

function outcome(
  row: BulkRow,
  r: EnrollResult,
  nothingRead: boolean,
): Pick<BulkRowResult, 'status' | 'person' | 'message'> {
  if (r.alreadyEnrolled)
    return {
      status: 'already_enrolled',
      person: r.alreadyEnrolled,
      message: `Employee id ${row.employeeId ?? ''} is already enrolled as ${r.alreadyEnrolled.name}.`,
    };
  if (r.person) return { status: 'enrolled', person: r.person, message: null };
  if (nothingRead)
    return { status: 'failed', person: null, message: 'No listed photo could be read.' };
  const same = r.files.find(
    (f) => f.duplicateOf && f.duplicateOf.name.toLowerCase() === row.name.trim().toLowerCase(),
  )?.duplicateOf;
  if (same && row.employeeId === null)
    return {
      status: 'already_enrolled',
      person: { id: same.id, name: same.name },
      message: `${same.name} is already enrolled with this face.`,
    };
  const other = r.files.find((f) => f.status === 'duplicate_person')?.duplicateOf;
  if (other)
    return {
      status: 'failed',
      person: null,
      message: `A face matches ${other.name}, who is already enrolled: nothing was enrolled.`,
    };
  return { status: 'failed', person: null, message: 'No photo had a usable face.' };
}
