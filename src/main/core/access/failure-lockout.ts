/**
 * "Too many failures per minute" guard: someone presenting photo after photo, or probing the
 * threshold with look-alikes, gets the terminal locked for a while. Counts refusals (unknown
 * face, spoof) in a sliding window; while locked, every decision is `locked_out`.
 */
export class FailureLockout {
  private failures: number[] = [];
  private lockedUntil = 0;

  constructor(
    private readonly limits: () => { maxFailures: number; windowMs: number; lockMs: number },
  ) {}

  isLocked(nowMs: number): boolean {
    return nowMs < this.lockedUntil;
  }

  /** Records one refusal; returns true when it tipped the terminal into lockout. */
  recordFailure(nowMs: number): boolean {
    const { maxFailures, windowMs, lockMs } = this.limits();
    this.failures = this.failures.filter((t) => nowMs - t < windowMs);
    this.failures.push(nowMs);
    if (this.failures.length < maxFailures) return false;
    this.failures = [];
    this.lockedUntil = nowMs + lockMs;
    return true;
  }

  /** Admin action: clear the lockout early. */
  reset(): void {
    this.failures = [];
    this.lockedUntil = 0;
  }
}
