import type { StationApi } from '../../../shared/api-methods';
import type { AuditReviewEvent, RevealedNames } from '../../../shared/audit-review';
import { describeError } from './messages';

/** How often the live view asks for new decisions. */
export const LIVE_POLL_MS = 2_000;
/** Decisions the live view keeps on screen (newest first). */
const LIVE_KEEP = 50;

/**
 * The reviewer's live event view: new door decisions appear as they happen. It polls
 * `audit:since` with the last id it saw (the same protected channel as the search), so each
 * poll reads only the rows added since; names follow the view's "show names" choice.
 */
export class AuditLiveState {
  events = $state.raw<AuditReviewEvent[]>([]);
  revealed = $state.raw<RevealedNames>({});
  error = $state<string | null>(null);
  private lastId: number | null = null;
  private busy = false;

  constructor(
    private readonly apiOf: () => StationApi,
    private readonly showNames: () => boolean,
  ) {}

  /** Starts from the newest few decisions; returns the stop function. */
  start(): () => void {
    this.lastId = null;
    this.events = [];
    void this.poll();
    const timer = setInterval(() => void this.poll(), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }

  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const r = await this.apiOf().auditSince({
        afterId: this.lastId,
        ...(this.showNames() ? { reveal: true } : {}),
      });
      if (!r.ok) {
        this.error = describeError(r.error);
        return;
      }
      this.error = null;
      this.lastId = r.value.lastId;
      if (r.value.events.length === 0) return;
      this.revealed = { ...this.revealed, ...r.value.revealed };
      // Only rows newer than the newest shown: a poll overlapping a restart never doubles one.
      const newest = this.events[0]?.id ?? 0;
      const fresh = r.value.events.filter((e) => e.id > newest).reverse();
      this.events = fresh.concat(this.events).slice(0, LIVE_KEEP);
    } finally {
      this.busy = false;
    }
  }
}
