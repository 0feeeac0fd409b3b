import type { StationApi } from '../../../shared/api-methods';
import { LIMITS } from '../../../shared/limits';
import type { EnrollResult, PersonSummary } from '../../../shared/domain';
import { bytesToBase64 } from './base64';
import { t } from './i18n';
import { describeError } from './messages';

export type EnrollPhase = 'idle' | 'reading' | 'analysing' | 'done' | 'failed';

/** Enrolment form + people list. All checks here are for the user; main re-validates everything. */
export class EnrollState {
  name = $state('');
  consent = $state(false);
  files = $state.raw<readonly File[]>([]);
  /** The camera the files were captured with (live capture); null for chosen photo files. */
  captureCamera = $state<string | null>(null);
  phase = $state<EnrollPhase>('idle');
  /** Files read so far (reading phase); the analysis itself is one request. */
  readCount = $state(0);
  result = $state.raw<EnrollResult | null>(null);
  error = $state<string | null>(null);
  people = $state.raw<readonly PersonSummary[]>([]);
  peopleError = $state<string | null>(null);
  /** Bumped when the form is cleared, so the view can recreate its file input. */
  formVersion = $state(0);

  readonly busy = $derived(this.phase === 'reading' || this.phase === 'analysing');
  readonly fileProblem = $derived(
    this.files.length > LIMITS.maxEnrollFiles
      ? t('enroll.tooManyFiles', { max: LIMITS.maxEnrollFiles })
      : null,
  );
  readonly canSubmit = $derived(
    !this.busy &&
      this.name.trim().length > 0 &&
      this.name.trim().length <= LIMITS.maxNameLength &&
      this.consent &&
      this.files.length > 0 &&
      this.fileProblem === null,
  );

  constructor(
    /** Public for the live-capture mode (its detector model and `enroll:check`). */
    readonly api: StationApi,
    /** Told after anyone was enrolled (the header's counts change). */
    private readonly onEnrolled: () => void = () => {},
  ) {}

  setFiles(list: FileList | null): void {
    this.files = list ? Array.from(list) : [];
    this.captureCamera = null;
    this.result = null;
    this.error = null;
  }

  /** Live capture: the accepted camera captures are the photos to enrol. */
  useCaptures(files: readonly File[], camera: string | null = null): void {
    this.files = files;
    this.captureCamera = files.length > 0 ? camera : null;
    // A fresh capture view (after an enrolment) starts empty: the last result stays shown.
    if (files.length === 0) return;
    this.result = null;
    this.error = null;
  }

  async submit(): Promise<void> {
    if (!this.canSubmit || !this.consent) return;
    this.phase = 'reading';
    this.readCount = 0;
    this.result = null;
    this.error = null;
    try {
      const images: { fileName: string; base64: string }[] = [];
      for (const file of this.files) {
        images.push({
          fileName: file.name,
          base64: bytesToBase64(new Uint8Array(await file.arrayBuffer())),
        });
        this.readCount += 1;
      }
      this.phase = 'analysing';
      const response = await this.api.enroll({
        name: this.name.trim(),
        consent: true,
        images,
        ...(this.captureCamera ? { captureCamera: this.captureCamera.slice(0, 200) } : {}),
      });
      if (!response.ok) {
        this.fail(describeError(response.error));
        return;
      }
      this.result = response.value;
      this.phase = 'done';
      if (response.value.person) {
        this.resetForm();
        this.onEnrolled();
      }
      await this.refreshPeople();
    } catch (err) {
      this.fail(t('enroll.readFailed', { error: String(err) }));
    }
  }

  async refreshPeople(): Promise<void> {
    const response = await this.api.listPeople({});
    if (response.ok) {
      this.people = response.value.people;
      this.peopleError = null;
    } else {
      this.peopleError = describeError(response.error);
    }
  }

  private fail(message: string): void {
    this.error = message;
    this.phase = 'failed';
  }

  /** After a successful enrolment the next person starts from a blank form and fresh consent. */
  private resetForm(): void {
    this.name = '';
    this.consent = false;
    this.files = [];
    this.formVersion += 1;
  }
}
