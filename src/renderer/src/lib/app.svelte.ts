import type { StationEvents } from '../../../shared/api-methods';
import type { StationApi } from '../../../shared/contract';
import type { StationStatus } from '../../../shared/domain';
import { AuditState } from './audit.svelte';
import { CalibrationState } from './calibration.svelte';
import { PadCalibrationState } from './pad-calibration.svelte';
import { EnrollState } from './enroll.svelte';
import { EraseState } from './erase.svelte';
import { i18n } from './i18n';
import { describeError } from './messages';
import { OperatorAuthState } from './operator-auth.svelte';
import { SiteAuditState, SiteState } from './site.svelte';
import { guardSession } from './session-guard';
import type { OperatorRole } from '../../../shared/operator-roles';

export const VIEWS = ['terminal', 'enroll', 'calibration', 'audit', 'site'] as const;
export type View = (typeof VIEWS)[number];

/** The operator role each view's login form asks for (the terminal needs none). */
export const VIEW_ROLES: Record<View, OperatorRole | null> = {
  terminal: null,
  enroll: 'admin',
  calibration: 'admin',
  audit: 'reviewer',
  site: 'admin',
};

/** Top-level renderer state: which view is open, and whether the station answered at all. */
export class AppState {
  view = $state<View>('terminal');
  status = $state.raw<StationStatus | null>(null);
  /** Start-up failure: shown as a full screen, never a hang. */
  startupError = $state<string | null>(null);
  readonly enroll: EnrollState;
  readonly audit: AuditState;
  readonly calibration: CalibrationState;
  readonly padCalibration: PadCalibrationState;
  readonly erase: EraseState;
  readonly site: SiteState;
  readonly siteAudit: SiteAuditState;
  readonly auth: OperatorAuthState;
  /** The station client; a refused operator session brings the login form back (see below). */
  readonly api: StationApi;

  constructor(
    station: StationApi,
    /** The station's pushes (the door screen); null when there is no station to listen to. */
    readonly events: StationEvents | null = null,
  ) {
    // A session that ended on the station (idle, logout elsewhere, new passphrase, restart)
    // would otherwise show up as "not authorised" errors inside the view.
    const api = guardSession(
      station,
      () => this.auth.role,
      (refusal) => this.auth.refused(refusal.ended, refusal.notice),
    );
    this.api = api;
    this.auth = new OperatorAuthState(api, () => {
      void this.refreshStatus();
      this.show(this.view);
    });
    this.enroll = new EnrollState(api, () => void this.refreshStatus());
    this.audit = new AuditState(api);
    this.calibration = new CalibrationState(api);
    this.site = new SiteState(api);
    this.siteAudit = new SiteAuditState(api);
    this.padCalibration = new PadCalibrationState(api);
    this.erase = new EraseState(api, () => {
      void this.enroll.refreshPeople();
      void this.refreshStatus();
    });
  }

  async load(): Promise<void> {
    const response = await this.api.status({});
    if (response.ok) this.useStatus(response.value);
    else this.startupError = describeError(response.error);
  }

  /** Header counts; a failure here is not a start-up failure, so it keeps the last value. */
  async refreshStatus(): Promise<void> {
    const response = await this.api.status({});
    if (response.ok) this.useStatus(response.value);
  }

  /** The station's counts and auth state, and its time zone and OS locale for the texts. */
  private useStatus(status: StationStatus): void {
    this.status = status;
    i18n.useStation(status);
  }

  /** True when the view is protected and this window has no session that opens it. */
  locked(view: View): boolean {
    const role = VIEW_ROLES[view];
    return role !== null && this.auth.needsLogin(role, this.status?.auth);
  }

  show(view: View): void {
    this.view = view;
    if (this.locked(view)) return;
    // Lists are fetched when opened rather than kept live: the station has no push channel.
    if (view === 'enroll') void this.enroll.refreshPeople();
    if (view === 'audit') void Promise.all([this.audit.refresh(), this.site.refreshStatus()]);
    if (view === 'site') void this.site.refresh();
  }
}
