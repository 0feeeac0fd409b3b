import { StationError } from '../../../shared/errors';
import type { LocalReplicaPort } from './local-replica-port';
import type { SiteAuditPort, SiteDirectoryPort } from './site-ports';

export interface PushReport {
  tombstones: number;
  acks: number;
  events: number;
  duplicates: number;
  flagged: number;
  /** Set when the site refused part of the push (e.g. a revoked station's erasure). */
  refused: string | null;
}

/** Audit rows per push call: one transaction on the site, one answer. */
const AUDIT_BATCH = 500;

/**
 * Sends what this station owes the site: first its own erasures (a tombstone, then the ack
 * with its verification), then its audit rows after the last pushed id. Rows are pushed at
 * least once and stored exactly once: the site recognises a row by (station, seq), and the
 * pushed position moves only after the site answered. After a reconnect the station asks
 * where its rows stand centrally and resends from there (a restored site backup).
 */
export class SitePusher {
  private positionChecked = false;

  constructor(
    private readonly d: {
      dir: SiteDirectoryPort;
      audit: SiteAuditPort;
      replica: LocalReplicaPort;
      stationId: string;
      now: () => Date;
    },
  ) {}

  /** The next push asks the site for its position first (after any failure). */
  reconnected(): void {
    this.positionChecked = false;
  }

  async push(): Promise<PushReport> {
    const report: PushReport = {
      tombstones: 0,
      acks: 0,
      events: 0,
      duplicates: 0,
      flagged: 0,
      refused: null,
    };
    try {
      await this.pushErasures(report);
    } catch (err) {
      // A revoked station may not erase on the site; its audit rows are still wanted.
      if (!(err instanceof StationError && err.code === 'SITE_REVOKED')) throw err;
      report.refused = err.message;
    }
    await this.pushAudit(report);
    this.d.replica.noteSync({ lastPushAt: this.d.now().toISOString() });
    return report;
  }

  private async pushErasures(report: PushReport): Promise<void> {
    for (const e of this.d.replica.pendingErasures()) {
      if (!e.tombstoneSent) {
        await this.d.dir.erasePerson(e.personId);
        this.d.replica.markTombstoneSent(e.personId);
        report.tombstones++;
      }
      await this.d.dir.ack(e.personId, e.ack);
      this.d.replica.markAcked(e.personId);
      report.acks++;
    }
  }

  private async pushAudit(report: PushReport): Promise<void> {
    if (!this.positionChecked) {
      const central = await this.d.audit.position();
      if (central < this.d.replica.state().pushedSeq) this.d.replica.setPushedSeq(central);
      this.positionChecked = true;
    }
    for (;;) {
      const rows = this.d.replica.auditRowsAfter(this.d.replica.state().pushedSeq, AUDIT_BATCH);
      if (rows.length === 0) return;
      const result = await this.d.audit.push(
        rows.map((r) => ({ ...r, stationId: this.d.stationId })),
      );
      this.d.replica.setPushedSeq(rows[rows.length - 1]!.seq);
      report.events += result.inserted;
      report.duplicates += result.duplicates;
      report.flagged += result.flagged;
      if (rows.length < AUDIT_BATCH) return;
    }
  }
}
