import type { StationApi } from '../../../shared/api-methods';
import type { ErasureOutcome } from '../../../shared/audit-review';
import type { PersonSummary } from '../../../shared/domain';
import { describeError } from './messages';

export type ErasePhase = 'idle' | 'confirm' | 'erasing' | 'done' | 'failed';

/**
 * Erasure of one person (GDPR Art. 17; a withdrawn consent is handled the same way): the
 * admin picks a person, reads what will be removed, confirms, and sees the station's verified
 * result. The request names the person by id (never by name) and carries confirm: true.
 */
export class EraseState {
  target = $state.raw<PersonSummary | null>(null);
  phase = $state<ErasePhase>('idle');
  report = $state.raw<ErasureOutcome | null>(null);
  error = $state<string | null>(null);

  readonly open = $derived(this.phase !== 'idle');

  constructor(
    private readonly api: StationApi,
    /** Told after an erasure went through (lists and counts change). */
    private readonly onErased: () => void = () => {},
  ) {}

  ask(person: PersonSummary): void {
    this.target = person;
    this.report = null;
    this.error = null;
    this.phase = 'confirm';
  }

  async confirm(): Promise<void> {
    const person = this.target;
    if (!person || this.phase !== 'confirm') return;
    this.phase = 'erasing';
    const response = await this.api.erasePerson({ personId: person.id, confirm: true });
    if (response.ok) {
      this.report = response.value;
      this.phase = 'done';
      this.onErased();
    } else {
      this.error = describeError(response.error);
      this.phase = 'failed';
    }
  }

  /** Closes the dialog; never while the erasure is running (its result must be seen). */
  close(): void {
    if (this.phase === 'erasing') return;
    this.phase = 'idle';
    this.target = null;
  }
}
