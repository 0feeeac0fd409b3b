/**
 * The scale bench's simulated door stations: each one logs in as its own paired station and
 * runs the sync protocol of core/site against the site at a fixed pace, without a door or a
 * local replica: pull changes by cursor (and fetch the changed people and templates, as a real
 * pull does), push `rate` chained audit rows per second, verify some arrivals. A writer changes
 * the directory meanwhile; every station notes when it first sees each change.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AUDIT_GENESIS_MAC, AuditMac } from '../../src/main/core/audit/audit-mac';
import { SiteChainVerifier } from '../../src/main/core/site/site-chain-verifier';
import type { SiteCipher } from '../../src/main/core/site/site-cipher';
import type { SiteAuditRow } from '../../src/main/core/site/site-ports';
import type { StationLogin } from '../../tests/support/site-fixture';

/** When each change became visible to a writer (ms, performance.now()). */
export type CommitTimes = Map<string, { at: number; kind: 'edit' | 'enrolment' }>;

export interface SimCounters {
  pulls: number;
  pushes: number;
  pushed: number;
  errors: number;
  pushMs: number[];
  pullMs: number[];
  /** (seen - committed) per station and change, ms. */
  propagation: { kind: 'edit' | 'enrolment'; ms: number }[];
}

export function newCounters(): SimCounters {
  return { pulls: 0, pushes: 0, pushed: 0, errors: 0, pushMs: [], pullMs: [], propagation: [] };
}

export class SimStation {
  private seq = 0;
  private prev = AUDIT_GENESIS_MAC;
  private readonly mac: AuditMac;
  private readonly verifier: SiteChainVerifier;
  private cursor: number;

  constructor(
    private readonly login: StationLogin,
    cipher: SiteCipher,
    private readonly auditKey: Buffer,
    startCursor: number,
    private readonly commits: CommitTimes,
    private readonly c: SimCounters,
  ) {
    this.mac = new AuditMac(auditKey);
    this.verifier = new SiteChainVerifier(login.audit, cipher);
    this.cursor = startCursor;
  }

  get stationId(): string {
    return this.login.bundle.stationId;
  }

  /** Registers the audit key (sealed) as a joining station does. */
  async hello(cipher: SiteCipher): Promise<void> {
    await this.login.dir.hello(cipher.sealAuditKey(this.auditKey, this.stationId), 'bench', null);
  }

  /** One cycle: push `rate` rows, pull, verify a little. Errors are counted, not thrown. */
  async cycle(rate: number): Promise<void> {
    try {
      await this.push(rate);
      await this.pull();
      await this.verifier.verifyArrivals(2000);
    } catch {
      this.c.errors++;
    }
  }

  private async pull(): Promise<void> {
    const t0 = performance.now();
    const changes = await this.login.dir.changesSince(this.cursor, 500);
    const seen = performance.now();
    const people = changes.filter((x) => x.entity === 'person').map((x) => x.entityId);
    if (people.length > 0) {
      await this.login.dir.people(people);
      await this.login.dir.templates(people);
    }
    for (const ch of changes) {
      const commit = this.commits.get(ch.entityId);
      if (commit) this.c.propagation.push({ kind: commit.kind, ms: seen - commit.at });
    }
    this.cursor = changes[changes.length - 1]?.cursor ?? this.cursor;
    this.c.pulls++;
    this.c.pullMs.push(performance.now() - t0);
  }

  private async push(rate: number): Promise<void> {
    const rows: SiteAuditRow[] = [];
    for (let i = 0; i < rate; i++) rows.push(this.nextRow());
    const t0 = performance.now();
    const r = await this.login.audit.push(rows);
    this.c.pushMs.push(performance.now() - t0);
    this.c.pushes++;
    this.c.pushed += r.inserted;
  }

  /** A door decision row as a station writes it (no name: a subject HMAC at most). */
  private nextRow(): SiteAuditRow {
    const seq = ++this.seq;
    const granted = Math.random() < 0.8;
    const r = {
      id: seq,
      at: new Date().toISOString(),
      kind: 'decision',
      decision: granted ? 'granted' : 'unknown_face',
      subject_hmac: granted ? randomBytes(32).toString('hex') : null,
      similarity: Math.round(Math.random() * 1e4) / 1e4,
      details: JSON.stringify({
        door: `door-${this.stationId.slice(0, 4)}`,
        frameId: seq,
        margin: 0.21,
        thresholds: { identify: 0.42, verify: 0.4 },
        liveness: { verdict: 'live', texture: 0.93, motion: 0.71, blink: true },
      }),
      prev_mac: this.prev,
    };
    const m = this.mac.row(r);
    this.prev = m;
    return {
      stationId: this.stationId,
      seq,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subjectHmac: r.subject_hmac,
      similarity: r.similarity,
      details: r.details,
      prevMac: r.prev_mac,
      mac: m,
    };
  }
}

/**
 * Changes the directory every `everyMs`: alternately an edit of an existing person (employee
 * id, version-checked) and a new enrolment (3 sealed templates), noting each commit time.
 */
export class DirectoryWriter {
  edits = 0;
  enrolments = 0;

  constructor(
    private readonly login: StationLogin,
    private readonly cipher: SiteCipher,
    private readonly modelId: string,
    private readonly existing: () => Promise<string>,
    private readonly commits: CommitTimes,
  ) {}

  async change(i: number): Promise<void> {
    if (i % 2 === 0) {
      const personId = await this.existing();
      const [p] = await this.login.dir.people([personId]);
      if (!p) return;
      await this.login.dir.putPerson(
        { personId, employeeId: `E-${randomUUID().slice(0, 8)}` },
        p.version,
      );
      this.commits.set(personId, { at: performance.now(), kind: 'edit' });
      this.edits++;
      return;
    }
    const personId = randomUUID();
    const templates = Array.from({ length: 3 }, () => {
      const templateId = randomUUID();
      const v = new Float32Array(512).map(() => Math.random() - 0.5);
      return {
        templateId,
        modelId: this.modelId,
        dim: 512,
        keyId: this.cipher.keyId,
        sealed: this.cipher.sealTemplate(v, {
          templateId,
          personId,
          modelId: this.modelId,
          dim: 512,
        }),
        interEyePx: 64,
        createdAt: new Date().toISOString(),
      };
    });
    await this.login.dir.putPerson(
      {
        personId,
        name: `New ${i}`,
        linkSealed: this.cipher.sealLinkSecret(randomBytes(32), personId),
        consents: [
          {
            consentId: randomUUID(),
            textVersion: 'v1',
            purpose: 'door access',
            grantedAt: new Date().toISOString(),
            recordedBy: 'bench',
          },
        ],
        templates,
      },
      null,
    );
    this.commits.set(personId, { at: performance.now(), kind: 'enrolment' });
    this.enrolments++;
  }
}
