import type { StationApi } from '../../../shared/contract';
import type { StationStatus } from '../../../shared/domain';
import { AuditState } from './audit.svelte';
import { EnrollState } from './enroll.svelte';
import { EraseState } from './erase.svelte';
import { describeError } from './messages';

export const VIEWS = ['terminal', 'enroll', 'audit'] as const;
export type View = (typeof VIEWS)[number];

/** Top-level renderer state: which view is open, and whether the station answered at all. */
export class AppState {
  view = $state<View>('terminal');
  status = $state.raw<StationStatus | null>(null);
  /** Start-up failure: shown as a full screen, never a hang. */
  startupError = $state<string | null>(null);
  readonly enroll: EnrollState;
  readonly audit: AuditState;
  readonly erase: EraseState;

  constructor(readonly api: StationApi) {
    this.enroll = new EnrollState(api, () => void this.refreshStatus());
    this.audit = new AuditState(api);
    this.erase = new EraseState(api, () => {
      void this.enroll.refreshPeople();
      void this.refreshStatus();
    });
  }

  async load(): Promise<void> {
    const response = await this.api.status({});
    if (response.ok) this.status = response.value;
    else this.startupError = describeError(response.error);
  }

  /** Header counts; a failure here is not a start-up failure, so it keeps the last value. */
  async refreshStatus(): Promise<void> {
    const response = await this.api.status({});
    if (response.ok) this.status = response.value;
  }

  show(view: View): void {
    this.view = view;
    // Lists are fetched when opened rather than kept live: the station has no push channel.
    if (view === 'enroll') void this.enroll.refreshPeople();
    if (view === 'audit') void this.audit.refresh();
  }
}
