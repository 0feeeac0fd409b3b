import { randomBytes } from 'node:crypto';
import { AUTH_LIMITS, type OperatorRole } from '../../../shared/operator-roles';

interface Session {
  role: OperatorRole;
  /** The credential the session was opened with (see OperatorCredentials.generation). */
  generation: string;
  lastSeenMs: number;
}

/** In-memory sessions: a restart logs everyone out, which is what a kiosk wants. */
export class OperatorSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly nowMs: () => number) {}

  open(role: OperatorRole, generation: string): string {
    const token = randomBytes(32).toString('hex');
    this.sessions.set(token, { role, generation, lastSeenMs: this.nowMs() });
    return token;
  }

  /**
   * The session's role, renewing its idle timer; null when unknown, idle too long, or opened
   * with a credential that is no longer the role's (`generation` of the role now): a
   * passphrase changed or cleared by another process (the CLI) ends it here, at its next call.
   */
  touch(
    token: string | null,
    generation: (role: OperatorRole) => string | null,
  ): OperatorRole | null {
    if (token === null) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    const now = this.nowMs();
    if (now - s.lastSeenMs > AUTH_LIMITS.sessionIdleMs || generation(s.role) !== s.generation) {
      this.sessions.delete(token);
      return null;
    }
    s.lastSeenMs = now;
    return s.role;
  }

  /** The session's role without renewing it; null when unknown or idle too long. */
  peek(token: string | null): OperatorRole | null {
    if (token === null) return null;
    const s = this.sessions.get(token);
    if (!s || this.nowMs() - s.lastSeenMs > AUTH_LIMITS.sessionIdleMs) return null;
    return s.role;
  }

  close(token: string | null): OperatorRole | null {
    if (token === null) return null;
    const s = this.sessions.get(token);
    this.sessions.delete(token);
    return s?.role ?? null;
  }

  /** A changed or cleared passphrase ends the role's sessions. */
  closeRole(role: OperatorRole): void {
    for (const [token, s] of this.sessions) if (s.role === role) this.sessions.delete(token);
  }
}
