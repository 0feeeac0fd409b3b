import { AUDIT_GENESIS_MAC, AuditMac, macEquals } from '../audit/audit-mac';
import type { SiteCipher } from './site-cipher';
import type { CentralAuditRow, SiteAuditFlag, SiteAuditPort, SiteStationRow } from './site-ports';

/** One station's chain in the site's log, as `station audit verify --site` reports it. */
export interface StationChainReport {
  stationId: string;
  label: string;
  doorId: string;
  rows: number;
  ok: boolean;
  /** The first row that failed (a station's own audit row id), null when ok. */
  firstBrokenRow: number | null;
  reason: string | null;
  /** Every problem found, with its row. */
  problems: SiteAuditFlag[];
}

export interface SiteChainReport {
  ok: boolean;
  stations: StationChainReport[];
}

interface ChainPoint {
  seq: number;
  mac: string;
}

/** Rows read per round trip while walking a chain. */
const PAGE = 5000;

/**
 * Checks one stretch of a station's chain after `from`: sequence continuity (gap), linkage
 * (prev_mac = the previous row's mac) and each row's MAC under the station's own audit key,
 * the same rule as the station's AuditChainVerifier. Every problem is kept, with its row.
 */
export function verifyChainSegment(
  mac: AuditMac,
  stationId: string,
  from: ChainPoint,
  rows: readonly CentralAuditRow[],
): { last: ChainPoint; problems: SiteAuditFlag[] } {
  const problems: SiteAuditFlag[] = [];
  let prev = from;
  for (const r of rows) {
    if (r.seq !== prev.seq + 1) {
      const missing =
        r.seq === prev.seq + 2 ? `row ${prev.seq + 1} is` : `rows ${prev.seq + 1}-${r.seq - 1} are`;
      problems.push({
        stationId,
        seq: r.seq,
        problem: 'gap',
        detail: `${missing} missing (row ${r.seq} follows row ${prev.seq})`,
      });
    } else if (!macEquals(r.prevMac, prev.mac)) {
      problems.push({
        stationId,
        seq: r.seq,
        problem: 'chain',
        detail: `row ${r.seq} does not chain to row ${prev.seq}`,
      });
    }
    const expected = mac.row({
      id: r.seq,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subject_hmac: r.subjectHmac,
      similarity: r.similarity,
      details: r.details,
      prev_mac: r.prevMac,
    });
    if (!macEquals(r.mac, expected)) {
      problems.push({
        stationId,
        seq: r.seq,
        problem: 'forged',
        detail: `row ${r.seq}: its MAC does not verify under the station's audit key (altered or forged)`,
      });
    }
    prev = { seq: r.seq, mac: r.mac };
  }
  return { last: prev, problems };
}

/**
 * Verifies every station's chain in the site's log with the stations' own audit keys, which
 * the site holds only sealed under the site key: any station (a key holder) can verify, the
 * database cannot, and a row edited in the database is caught here even though it passed the
 * arrival checks. `verifyArrivals` walks what arrived since the last recorded verification
 * and records it (flags included), a little per sync cycle; `verifyAll` re-walks everything
 * from each chain's start and records nothing: the reviewer's own check.
 */
export class SiteChainVerifier {
  private turn = 0;

  constructor(
    private readonly audit: SiteAuditPort,
    private readonly cipher: SiteCipher,
  ) {}

  /**
   * Verifies the newest arrivals of every station with unverified rows, up to `budget` rows in
   * all; the station served first rotates, so a busy one cannot starve the others. Returns the
   * rows checked.
   */
  async verifyArrivals(budget: number): Promise<number> {
    const due = (await this.audit.stations()).filter(
      (s) => s.auditKeySealed !== null && s.auditLastSeq > s.verifiedSeq,
    );
    const first = due.length === 0 ? 0 : this.turn++ % due.length;
    let checked = 0;
    for (let i = 0; i < due.length && checked < budget; i++) {
      checked += await this.verifyStationArrivals(due[(first + i) % due.length]!, budget - checked);
    }
    return checked;
  }

  private async verifyStationArrivals(s: SiteStationRow, budget: number): Promise<number> {
    const mac = this.macOf(s);
    if (!mac) return 0;
    const rows = await this.audit.chainRows(s.stationId, s.verifiedSeq, budget);
    if (rows.length === 0) return 0;
    const start = { seq: s.verifiedSeq, mac: s.verifiedMac };
    const { last, problems } = verifyChainSegment(mac, s.stationId, start, rows);
    await this.audit.recordVerification(s.stationId, s.verifiedSeq, last.seq, last.mac, problems);
    return rows.length;
  }

  async verifyAll(): Promise<SiteChainReport> {
    const stations = await this.audit.stations();
    const reports: StationChainReport[] = [];
    for (const s of stations) reports.push(await this.verifyStation(s));
    return { ok: reports.every((r) => r.ok), stations: reports };
  }

  private async verifyStation(s: SiteStationRow): Promise<StationChainReport> {
    const base = { stationId: s.stationId, label: s.label, doorId: s.doorId };
    const mac = this.macOf(s);
    if (!mac) {
      const ok = s.auditLastSeq === s.startSeq;
      const reason = ok ? null : 'the station registered no audit key: its rows cannot be verified';
      return {
        ...base,
        rows: 0,
        ok,
        firstBrokenRow: ok ? null : s.startSeq + 1,
        reason,
        problems: [],
      };
    }
    let point: ChainPoint = {
      seq: s.startSeq,
      mac: s.startSeq === 0 ? AUDIT_GENESIS_MAC : s.startMac,
    };
    const problems: SiteAuditFlag[] = [];
    let rows = 0;
    for (;;) {
      const page = await this.audit.chainRows(s.stationId, point.seq, PAGE);
      if (page.length === 0) break;
      const r = verifyChainSegment(mac, s.stationId, point, page);
      problems.push(...r.problems);
      rows += page.length;
      point = r.last;
    }
    if (point.seq < s.auditLastSeq) {
      problems.push({
        stationId: s.stationId,
        seq: point.seq + 1,
        problem: 'gap',
        detail: `rows after ${point.seq} are missing (the station pushed up to row ${s.auditLastSeq})`,
      });
    }
    const first = problems[0];
    return {
      ...base,
      rows,
      ok: !first,
      firstBrokenRow: first?.seq ?? null,
      reason: first?.detail ?? null,
      problems,
    };
  }

  private macOf(s: SiteStationRow): AuditMac | null {
    if (!s.auditKeySealed) return null;
    try {
      return new AuditMac(this.cipher.openAuditKey(s.auditKeySealed, s.stationId));
    } catch {
      return null;
    }
  }
}
