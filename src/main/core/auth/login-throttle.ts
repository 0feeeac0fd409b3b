import { AUTH_LIMITS, type OperatorRole } from '../../../shared/operator-roles';

/**
 * Failed logins per role in a sliding window; too many lock the role for a while. Per role,
 * not per client: at a kiosk every guess comes from the same screen anyway.
 */
export class LoginThrottle {
  private readonly failures = new Map<OperatorRole, number[]>();
  private readonly lockedUntil = new Map<OperatorRole, number>();

  constructor(private readonly nowMs: () => number) {}

  /** Ms left on the lock, 0 when the role may try. */
  lockedForMs(role: OperatorRole): number {
    return Math.max(0, (this.lockedUntil.get(role) ?? 0) - this.nowMs());
  }

  recordFailure(role: OperatorRole): void {
    const now = this.nowMs();
    const recent = (this.failures.get(role) ?? []).filter(
      (t) => now - t < AUTH_LIMITS.failureWindowMs,
    );
    recent.push(now);
    if (recent.length >= AUTH_LIMITS.maxFailures) {
      this.lockedUntil.set(role, now + AUTH_LIMITS.lockMs);
      this.failures.set(role, []);
    } else {
      this.failures.set(role, recent);
    }
  }

  recordSuccess(role: OperatorRole): void {
    this.failures.delete(role);
  }
}
