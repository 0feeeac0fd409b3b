import type { StationApi } from '../../../shared/contract';
import type { AuthStatus, OperatorRole } from '../../../shared/operator-roles';
import { describeError } from './messages';

/**
 * The operator's login in this window. The session token itself stays inside the station
 * client (see SessionHolder); this only tracks which role is logged in, for the UI.
 */
export class OperatorAuthState {
  role = $state<OperatorRole | null>(null);
  error = $state<string | null>(null);
  /** The role the error is about: the reviewer's form never shows the admin's failed login. */
  errorFor = $state<OperatorRole | null>(null);
  /** Why the login form is back (session ended, view newly protected); cleared by a login. */
  notice = $state<string | null>(null);
  busy = $state(false);

  constructor(
    private readonly api: StationApi,
    private readonly onChange: () => void,
  ) {}

  /** Does this view need a login before it can be used? */
  needsLogin(needed: OperatorRole, status: AuthStatus | undefined): boolean {
    if (!status || status[needed] === 'open') return false;
    // The admin may also read the audit (CHANNEL_ROLES): an admin session opens both.
    return !(this.role === needed || this.role === 'admin');
  }

  async login(role: OperatorRole, passphrase: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const r = await this.api.login({ role, passphrase });
      if (!r.ok) {
        // The station's own wording ("Wrong admin passphrase.", "try again in 42 s") is meant
        // for the operator; the generic UNAUTHORIZED text is about the page's access key.
        this.error = r.error.code === 'UNAUTHORIZED' ? r.error.message : describeError(r.error);
        this.errorFor = role;
        return false;
      }
      this.role = r.value.role;
      this.notice = null;
      this.onChange();
      return true;
    } finally {
      this.busy = false;
    }
  }

  /**
   * The station refused a call this window expected to be allowed (see session-guard.ts): drop
   * the role if its session ended, say why, and let the views ask for a login again.
   */
  refused(ended: boolean, notice: string): void {
    if (ended) this.role = null;
    this.error = null;
    this.notice = notice;
    this.onChange();
  }

  async logout(): Promise<void> {
    await this.api.logout({});
    this.role = null;
    this.error = null;
    this.notice = null;
    this.onChange();
  }
}
