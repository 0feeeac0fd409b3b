import type { StationApi } from '../../../shared/api-methods';
import { parseBulkCsv, type BulkRow } from '../../../shared/bulk-enrol';
import {
  runBulkEnrolment,
  type BulkProgress,
  type BulkRowResult,
} from '../../../shared/bulk-enrol-run';
import type { EnrollResult } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import { bytesToBase64 } from './base64';
import { t } from './i18n';

type Image = { fileName: string; base64: string };

/**
 * The admin's bulk enrolment: a CSV (`employee_id,name,photo paths,groups`) and the photo
 * files it names (matched by path inside a chosen folder, else by file name). The rows are
 * checked and previewed before anything is sent; the run goes row by row through the same
 * runner as `station enroll --csv` (shared/bulk-enrol-run.ts), so a re-run of the same list
 * skips everyone already enrolled.
 */
export class BulkEnrolState {
  rows = $state.raw<BulkRow[]>([]);
  listError = $state<string | null>(null);
  photos = $state.raw<Readonly<Record<string, File>>>({});
  consent = $state(false);
  phase = $state<'idle' | 'running' | 'done'>('idle');
  progress = $state.raw<BulkProgress | null>(null);
  results = $state.raw<BulkRowResult[]>([]);

  /** Listed photos not among the chosen files, per row line (the preview warns about them). */
  readonly missing: Record<number, string[]> = $derived(
    Object.fromEntries(
      this.rows.map((r) => [r.line, r.photos.filter((p) => this.photoFor(p) === undefined)]),
    ),
  );
  readonly ready = $derived(this.rows.filter((r) => r.problems.length === 0).length);
  readonly canRun = $derived(this.phase !== 'running' && this.consent && this.ready > 0);

  constructor(
    private readonly apiOf: () => StationApi,
    private readonly onEnrolled: () => Promise<void>,
  ) {}

  async setList(file: File | undefined): Promise<void> {
    this.rows = [];
    this.results = [];
    this.listError = null;
    if (!file) return;
    try {
      this.rows = parseBulkCsv(await file.text());
      if (this.rows.length === 0) this.listError = t('bulk.empty');
    } catch (err) {
      this.listError = err instanceof Error ? err.message : String(err);
    }
  }

  setPhotos(list: FileList | null): void {
    const map: Record<string, File> = {};
    for (const f of list ? Array.from(list) : []) {
      // A chosen folder gives "folder/sub/x.jpg": the list's paths are relative to the folder.
      const rel = f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : '';
      if (rel) map[rel] = f;
      map[f.name] = f;
    }
    this.photos = map;
  }

  async run(): Promise<void> {
    if (!this.canRun) return;
    this.phase = 'running';
    this.results = [];
    try {
      this.results = await runBulkEnrolment<Image>(
        this.rows,
        { enroll: (req) => this.enroll(req), readPhoto: (path) => this.read(path) },
        (p, row) => {
          this.progress = p;
          if (row) this.results = [...this.results, row];
        },
      );
    } finally {
      this.phase = 'done';
      await this.onEnrolled();
    }
  }

  private photoFor(path: string): File | undefined {
    const clean = path.replace(/\\/g, '/').replace(/^\.\//, '');
    const byName = clean.split('/').pop() ?? clean;
    return Object.hasOwn(this.photos, clean)
      ? this.photos[clean]
      : Object.hasOwn(this.photos, byName)
        ? this.photos[byName]
        : undefined;
  }

  private async read(path: string): Promise<Image> {
    const file = this.photoFor(path);
    if (!file) throw new StationError('UNREADABLE_IMAGE', t('bulk.notChosen', { path }));
    return { fileName: path, base64: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
  }

  private async enroll(req: {
    name: string;
    images: Image[];
    employeeId: string | undefined;
    groups: string[];
  }): Promise<EnrollResult> {
    const r = await this.apiOf().enroll({
      name: req.name,
      consent: true,
      images: req.images,
      ...(req.employeeId ? { employeeId: req.employeeId } : {}),
      ...(req.groups.length ? { groups: req.groups } : {}),
      skipEnrolledEmployee: true,
    });
    if (!r.ok) throw new StationError(r.error.code, r.error.message);
    return r.value;
  }
}
