/**
 * The terminal decides several times a second; the audit log should hold one row per
 * distinct event, not one per frame. A (decision, subject) pair is logged again only after
 * `cooldownMs` without it, or as soon as the outcome changes.
 */
export class DecisionDebouncer {
  private last: { key: string; at: number } | null = null;

  constructor(private readonly cooldownMs: number) {}

  shouldRecord(key: string, nowMs: number): boolean {
    const last = this.last;
    this.last = { key, at: nowMs };
    if (last === null || last.key !== key) return true;
    if (nowMs - last.at >= this.cooldownMs) return true;
    // Keep the original timestamp so a continuous presence is re-logged every cooldown.
    this.last = last;
    return false;
  }
}
