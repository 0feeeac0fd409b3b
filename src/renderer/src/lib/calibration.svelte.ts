import type { StationApi } from '../../../shared/api-methods';
import type {
  CalibrationAdoptView,
  CalibrationRunView,
  OperatingPoint,
  TargetView,
} from '../../../shared/calibration-contract';
// Not from calibration-contract: a value import from there would bundle zod, whose code
// generation the page's Content-Security-Policy refuses.
import { CALIBRATION_BATCH_FILES } from '../../../shared/limits';
import { bytesToBase64 } from './base64';
import { labelFolderFiles, type FolderSelection } from './calibration-files';
import { describeError } from './messages';

export type CalibrationSource = 'enrolled' | 'upload';
export type CalibrationPhase = 'idle' | 'uploading' | 'running' | 'done' | 'failed';
export type AdoptPhase = 'idle' | 'confirm' | 'adopting' | 'done' | 'failed';
export type AdoptWhich = 'identify' | 'verify' | 'both';

/**
 * The admin's calibration view: choose a source (the enrolled templates, or a folder of
 * identities uploaded in small batches), run, pick a threshold on the slider or from the
 * target table, and adopt it after a confirmation. Every number shown comes from the station;
 * the view only picks among the grid points the run returned.
 */
export class CalibrationState {
  source = $state<CalibrationSource>('enrolled');
  folder = $state.raw<FolderSelection | null>(null);
  phase = $state<CalibrationPhase>('idle');
  /** Upload progress: photos sent so far of the folder's photos. */
  sent = $state(0);
  /** Files the station skipped in the upload (no face, several faces, unreadable). */
  skippedFiles = $state.raw<string[]>([]);
  run = $state.raw<CalibrationRunView | null>(null);
  error = $state<string | null>(null);
  /** Index of the chosen grid point (threshold = index / 100). */
  index = $state(50);
  /** The target FMR row the threshold was taken from, if any (recorded as evidence). */
  fromTarget = $state<number | null>(null);
  which = $state<AdoptWhich>('identify');
  adoptPhase = $state<AdoptPhase>('idle');
  adopted = $state.raw<CalibrationAdoptView | null>(null);
  adoptError = $state<string | null>(null);

  readonly busy = $derived(this.phase === 'uploading' || this.phase === 'running');
  readonly point = $derived<OperatingPoint | null>(this.run?.grid[this.index] ?? null);
  readonly threshold = $derived(this.point?.threshold ?? this.index / 100);
  readonly canRun = $derived(
    !this.busy && (this.source === 'enrolled' || (this.folder?.photos.length ?? 0) > 0),
  );

  constructor(private readonly api: StationApi) {}

  chooseFolder(list: FileList | null): void {
    this.folder = list ? labelFolderFiles(Array.from(list)) : null;
    this.source = 'upload';
    this.error = null;
  }

  async start(): Promise<void> {
    if (!this.canRun) return;
    this.error = null;
    this.adoptPhase = 'idle';
    this.adopted = null;
    this.skippedFiles = [];
    const source = this.source;
    let uploadId: string | null = null;
    if (source === 'upload') {
      uploadId = await this.upload();
      if (uploadId === null) return;
    }
    this.phase = 'running';
    const response = await this.api.runCalibration(
      uploadId === null ? { source: 'enrolled' } : { source: 'upload', uploadId },
    );
    if (!response.ok) return this.fail(describeError(response.error));
    this.run = response.value;
    this.pick(response.value.candidate.threshold, null);
    this.phase = 'done';
  }

  /** Sends the folder in batches; returns the upload id, or null after a failure. */
  private async upload(): Promise<string | null> {
    const photos = this.folder?.photos ?? [];
    this.phase = 'uploading';
    this.sent = 0;
    let uploadId: string | null = null;
    for (let i = 0; i < photos.length; i += CALIBRATION_BATCH_FILES) {
      const batch = photos.slice(i, i + CALIBRATION_BATCH_FILES);
      const encoded = await Promise.all(
        batch.map(async (p) => ({
          identity: p.identity,
          fileName: p.file.name,
          base64: bytesToBase64(new Uint8Array(await p.file.arrayBuffer())),
        })),
      );
      const response = await this.api.uploadCalibrationPhotos({ uploadId, photos: encoded });
      if (!response.ok) {
        this.fail(describeError(response.error));
        return null;
      }
      uploadId = response.value.uploadId;
      this.skippedFiles = [...this.skippedFiles, ...response.value.skippedFiles];
      this.sent = Math.min(photos.length, i + batch.length);
    }
    return uploadId;
  }

  private fail(message: string): void {
    this.error = message;
    this.phase = 'failed';
  }

  /**
   * Chooses the grid point at or above `threshold` (rounded up to the 0.01 grid: never a
   * lower threshold, so never a higher FMR, than the one asked for).
   */
  pick(threshold: number, target: number | null): void {
    this.index = Math.min(100, Math.max(0, Math.ceil(threshold * 100 - 1e-9)));
    this.fromTarget = target;
    this.adoptPhase = 'idle';
  }

  useTarget(t: TargetView): void {
    if (t.threshold !== null) this.pick(t.threshold, t.targetFmr);
  }

  slide(index: number): void {
    this.index = index;
    this.fromTarget = null;
    this.adoptPhase = 'idle';
  }

  askAdopt(): void {
    if (this.run) this.adoptPhase = 'confirm';
  }

  cancelAdopt(): void {
    if (this.adoptPhase !== 'adopting') this.adoptPhase = 'idle';
  }

  async confirmAdopt(): Promise<void> {
    const run = this.run;
    if (!run || this.adoptPhase !== 'confirm') return;
    this.adoptPhase = 'adopting';
    const t = this.threshold;
    const response = await this.api.adoptCalibration({
      runId: run.runId,
      ...(this.which !== 'verify' ? { identify: t } : {}),
      ...(this.which !== 'identify' ? { verify: t } : {}),
      ...(this.fromTarget !== null ? { targetFmr: this.fromTarget } : {}),
      confirm: true,
    });
    if (response.ok) {
      this.adopted = response.value;
      this.adoptError = null;
      this.adoptPhase = 'done';
    } else {
      this.adoptError = describeError(response.error);
      this.adoptPhase = 'failed';
    }
  }
}
