import type { SiteOverview, SiteStatusView } from '../../../shared/site-contract';
import type { EnrolmentPublication } from '../enrollment/enrollment.service';
import type { ErasureOutcome } from '../../../shared/audit-review';
import type { SiteReviewService } from './site-review.service';
import type { SiteSync } from './site-sync.service';

/**
 * A station's membership of a site, as the Station and the hosts see it: the sync, the site's
 * review, and the two hooks the station's own enrolment and erasure call. Built by the
 * composition (composition/site-composition.ts) only when the data folder joined a site.
 */
export class SiteStation {
  constructor(
    readonly sync: SiteSync,
    readonly review: SiteReviewService,
    private readonly release: () => Promise<void>,
  ) {}

  status(): SiteStatusView {
    return this.sync.status();
  }

  async overview(): Promise<SiteOverview> {
    await this.sync.refreshHead();
    return this.review.overview(this.sync.status());
  }

  publishEnrolment(p: EnrolmentPublication): Promise<void> {
    return this.sync.publishEnrolment(p);
  }

  erased(personId: string, report: ErasureOutcome): void {
    this.sync.erasedLocally(personId, report);
  }

  /** Background sync cycles (browser mode, Electron); the CLI syncs on command only. */
  start(): void {
    this.sync.start();
  }

  /** Stops the cycles and closes the site connections; idempotent. */
  async close(): Promise<void> {
    await this.sync.stop();
    await this.release();
  }
}
