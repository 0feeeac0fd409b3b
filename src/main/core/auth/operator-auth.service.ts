import { StationError } from '../../../shared/errors';
import type { LoginResult } from '../../../shared/auth-contract';
import {
  AUTH_LIMITS,
  OPERATOR_ROLES,
  type AuthStatus,
  type OperatorRole,
} from '../../../shared/operator-roles';
import { settingsChange, type AuditRecorder } from '../audit/audit-recorder';
import type { OperatorCredentials } from './operator-credentials.repository';
import { LoginThrottle } from './login-throttle';
import { OperatorSessions } from './operator-sessions';
import { hashPassphrase, verifyPassphrase } from './passphrase-hash';

export interface OperatorAuthDeps {
  credentials: OperatorCredentials;
  audit: Pick<AuditRecorder, 'record'>;
  now: () => Date;
}

/** Why a call was refused; null = allowed. */
export type AccessRefusal = string | null;

/**
 * Passphrase per operator role, sessions, throttle, and the audit rows of every login and
 * logout. A role without a passphrase is 'open' (first run) and its channels answer anyone.
 */
export class OperatorAuthService {
  private readonly sessions: OperatorSessions;
  private readonly throttle: LoginThrottle;

  constructor(private readonly deps: OperatorAuthDeps) {
    const nowMs = (): number => deps.now().getTime();
    this.sessions = new OperatorSessions(nowMs);
    this.throttle = new LoginThrottle(nowMs);
  }

  status(): AuthStatus {
    const out = {} as AuthStatus;
    for (const role of OPERATOR_ROLES) out[role] = this.isProtected(role) ? 'protected' : 'open';
    return out;
  }

  isProtected(role: OperatorRole): boolean {
    return this.deps.credentials.get(role) !== null;
  }

  /** Set (or with null, clear) a role's passphrase; ends that role's sessions. Audited. */
  setPassphrase(role: OperatorRole, passphrase: string | null): void {
    if (passphrase !== null) {
      if (passphrase.length < AUTH_LIMITS.minPassphraseLength)
        throw new StationError(
          'BAD_REQUEST',
          `The ${role} passphrase must be at least ${AUTH_LIMITS.minPassphraseLength} characters.`,
        );
      if (passphrase.length > AUTH_LIMITS.maxPassphraseLength)
        throw new StationError('BAD_REQUEST', `The ${role} passphrase is too long.`);
    }
    this.deps.credentials.set(role, passphrase === null ? null : hashPassphrase(passphrase));
    this.sessions.closeRole(role);
    this.deps.audit.record(
      settingsChange({
        setting: `auth.passphrase.${role}`,
        action: passphrase === null ? 'cleared' : 'set',
      }),
    );
  }

  login(role: OperatorRole, passphrase: string): LoginResult {
    const lockedMs = this.throttle.lockedForMs(role);
    if (lockedMs > 0) {
      this.recordLogin(role, false, 'locked');
      throw new StationError(
        'UNAUTHORIZED',
        `Too many wrong passphrases for ${role}: try again in ${Math.ceil(lockedMs / 1000)} s.`,
      );
    }
    const stored = this.deps.credentials.get(role);
    if (stored === null) {
      this.recordLogin(role, false, 'no-passphrase-set');
      throw new StationError(
        'BAD_REQUEST',
        `No ${role} passphrase is set; set one with \`station operator passphrase --role ${role}\`.`,
      );
    }
    const ok = stored !== 'unreadable' && verifyPassphrase(passphrase, stored);
    if (!ok) {
      this.throttle.recordFailure(role);
      this.recordLogin(
        role,
        false,
        stored === 'unreadable' ? 'unreadable-credential' : 'wrong-passphrase',
      );
      throw new StationError('UNAUTHORIZED', `Wrong ${role} passphrase.`);
    }
    this.throttle.recordSuccess(role);
    const token = this.sessions.open(role, stored.saltHex);
    this.recordLogin(role, true, null);
    return { token, role, idleTimeoutMs: AUTH_LIMITS.sessionIdleMs };
  }

  logout(token: string | null): boolean {
    const role = this.sessions.close(token);
    if (role === null) return false;
    this.deps.audit.record({
      kind: 'login',
      decision: null,
      personId: null,
      similarity: null,
      details: { role, ok: true, reason: 'logout' },
    });
    return true;
  }

  /**
   * May the caller holding `token` use a channel allowed to `roles`? Open when the list is
   * empty, or when any allowed role has no passphrase yet (first run keeps working).
   */
  authorize(roles: readonly OperatorRole[], token: string | null): AccessRefusal {
    if (roles.length === 0) return null;
    if (roles.some((r) => !this.isProtected(r))) return null;
    const role = this.sessions.touch(token, (r) => this.deps.credentials.generation(r));
    if (role !== null && roles.includes(role)) return null;
    const needed = roles.join(' or ');
    if (role !== null) return `This needs the ${needed} login; you are logged in as ${role}.`;
    return token === null
      ? `Log in as ${needed} first.`
      : `Your session has ended (logged out or idle for 15 min): log in as ${needed} again.`;
  }

  /**
   * The role of the caller's session, for audit rows that say who looked (a name reveal); null
   * without a live session (a role that is still open). Does not renew the session.
   */
  roleOf(token: string | null): OperatorRole | null {
    return this.sessions.peek(token);
  }

  private recordLogin(role: OperatorRole, ok: boolean, reason: string | null): void {
    this.deps.audit.record({
      kind: 'login',
      decision: null,
      personId: null,
      similarity: null,
      details: { role, ok, reason },
    });
  }
}
