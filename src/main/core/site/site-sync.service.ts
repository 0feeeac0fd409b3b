import { randomBytes, randomUUID } from 'node:crypto';
import type { SiteStatusView } from '../../../shared/site-contract';
import { StationError } from '../../../shared/errors';
import type { EnrolmentPublication } from '../enrollment/enrollment.service';
import type { ErasureOutcome } from '../../../shared/audit-review';
import type { LocalAuditPort, LocalReplicaPort } from './local-replica-port';
import type { SiteChainVerifier } from './site-chain-verifier';
import type { SiteCipher } from './site-cipher';
import type { AccessEntity, PersonWrite, SiteDirectoryPort } from './site-ports';
import type { PullReport, SitePuller } from './site-pull';
import type { PushReport, SitePusher } from './site-push';

export interface SiteIdentity {
  siteId: string;
  stationId: string;
  label: string;
  doorId: string;
}

export interface SiteSyncDeps {
  identity: SiteIdentity;
  dir: SiteDirectoryPort;
  replica: LocalReplicaPort;
  cipher: SiteCipher;
  puller: SitePuller;
  pusher: SitePusher;
  verifier: SiteChainVerifier;
  /** This station's audit log: enrolments and edits made here are logged here. */
  audit: LocalAuditPort;
  now: () => Date;
  /** Pause between sync cycles while the site answers (default 1 s). */
  intervalMs?: number;
  /** Longest pause while it does not (doubling from intervalMs; default 15 s). */
  maxBackoffMs?: number;
  /** Rows of other stations' arrivals verified per cycle (default 2000). */
  verifyBudget?: number;
  log?: (line: string) => void;
}

export interface SyncReport {
  push: PushReport;
  pull: PullReport;
  verified: number;
}

/** Person fields an admin may edit on the site (versioned, single-writer). */
export interface PersonEdit {
  name?: string;
  employeeId?: string | null;
  schedule?: string | null;
  groups?: string[];
}

/**
 * The station's sync with its site, one cycle at a time: push (erasures, acks, audit rows), pull
 * (tombstones first, then changes by cursor), verify some arrivals. The door never waits for it:
 * decisions use the local replica, and an unreachable site means a recorded reason and backoff.
 * Directory writes go to the site first and come back by pull, so the replica only holds what the
 * site holds; erasure alone happens locally at once and is told to the site later (SitePusher).
 */
export class SiteSync {
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private online = false;
  private revoked = false;
  private head: number | null = null;
  private failures = 0;

  constructor(private readonly d: SiteSyncDeps) {}

  get identity(): SiteIdentity {
    return this.d.identity;
  }

  /** Runs `fn` after every earlier sync step (cycles and writes never interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => undefined);
    return next;
  }

  /** One full cycle now; throws what stopped it (SITE_UNAVAILABLE, SITE_REVOKED...). */
  syncNow(): Promise<SyncReport> {
    return this.exclusive(() => this.cycle());
  }

  /**
   * Before serving any decision: the tombstones the site has beyond this replica's cursor,
   * erased and queued for acknowledgement (a station back after a month must not recognise
   * someone erased meanwhile). Returns how many held people were erased; throws when the site
   * cannot be reached (the caller decides how long to wait, then serves offline).
   */
  catchUp(): Promise<number> {
    return this.exclusive(async () => {
      try {
        const erased = await this.d.puller.applyTombstonesAfterCursor();
        this.markOnline();
        return erased;
      } catch (err) {
        this.markFailure(err);
        throw err;
      }
    });
  }

  private async cycle(): Promise<SyncReport> {
    try {
      const push = await this.d.pusher.push();
      let pull: PullReport;
      try {
        pull = await this.d.puller.pull();
        this.revoked = false;
      } catch (err) {
        if (!(err instanceof StationError && err.code === 'SITE_REVOKED')) throw err;
        // Nothing new for a revoked station, but erasures still reach it.
        this.revoked = true;
        await this.d.puller.applyTombstonesAfterCursor();
        throw err;
      }
      this.head = pull.cursor;
      // What the pull itself produced (acks of applied erasures, its audit rows) goes out
      // now, not a cycle later.
      const state = this.d.replica.state();
      if (
        this.d.replica.pendingErasures().length > 0 ||
        this.d.replica.auditBacklog(state.pushedSeq) > 0
      ) {
        const again = await this.d.pusher.push();
        push.acks += again.acks;
        push.events += again.events;
        push.duplicates += again.duplicates;
      }
      const verified = this.revoked
        ? 0
        : await this.d.verifier.verifyArrivals(this.d.verifyBudget ?? 2000);
      this.markOnline();
      if (pull.problems.length > 0)
        this.d.replica.noteSync({ lastError: pull.problems.join('; ') });
      return { push, pull, verified };
    } catch (err) {
      this.markFailure(err);
      throw err;
    }
  }

  private markOnline(): void {
    if (!this.online) this.d.pusher.reconnected();
    this.online = true;
    this.failures = 0;
    this.d.replica.noteSync({ lastError: null });
  }

  private markFailure(err: unknown): void {
    const e = err instanceof StationError ? err : null;
    this.online = e !== null && e.code !== 'SITE_UNAVAILABLE';
    if (e?.code === 'SITE_REVOKED') this.revoked = true;
    this.failures++;
    this.d.pusher.reconnected();
    this.d.replica.noteSync({ lastError: err instanceof Error ? err.message : String(err) });
  }

  /** Background cycles until stop(); the timer never keeps a CLI process alive. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.syncNow().then(
        () => this.schedule(this.d.intervalMs ?? 1000),
        (err: unknown) => {
          this.d.log?.(`site sync: ${err instanceof Error ? err.message : String(err)}`);
          const base = this.d.intervalMs ?? 1000;
          this.schedule(
            Math.min(base * 2 ** Math.min(this.failures, 6), this.d.maxBackoffMs ?? 15_000),
          );
        },
      );
    }, delay);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    // Pulls may leave the index file behind the index (SitePullDeps.indexSaveEveryMs). Not
    // saved (the station's database already closed): a stale file, rebuilt at the next start.
    try {
      await this.d.puller.saveIndex();
    } catch (err) {
      this.d.log?.(`site sync: index file not saved at stop: ${String(err)}`);
    }
  }

  /** Resolves once the index file the last pull started writing in the background is written. */
  indexWritten(): Promise<void> {
    return this.d.puller.indexWritten();
  }

  status(): SiteStatusView {
    const s = this.d.replica.state();
    const pending = this.d.replica.pendingErasures();
    const id = this.d.identity;
    return {
      joined: true,
      siteId: id.siteId,
      stationId: id.stationId,
      label: id.label,
      doorId: id.doorId,
      online: this.online,
      revoked: this.revoked,
      lastError: s.lastError,
      cursor: s.cursor,
      head: this.head,
      lag: this.head === null ? null : Math.max(0, this.head - s.cursor),
      pushedSeq: s.pushedSeq,
      auditPending: this.d.replica.auditBacklog(s.pushedSeq),
      pendingErasures: pending.length,
      lastPullAt: s.lastPullAt,
      lastPushAt: s.lastPushAt,
      people: this.d.replica.sitePeople(),
    };
  }

  /**
   * Introduces this station to its site after pairing: checks the site is the one paired
   * with (id and key), and registers the station's audit key (sealed under the site key, so
   * key holders can verify its chain and the database cannot) and where its chain starts.
   */
  async register(auditKey: Buffer, appVersion: string): Promise<void> {
    const hello = await this.d.dir.hello(
      this.d.cipher.sealAuditKey(auditKey, this.d.identity.stationId),
      appVersion,
      this.d.replica.auditChainStart(),
    );
    if (hello.siteId !== this.d.identity.siteId || hello.stationId !== this.d.identity.stationId) {
      throw new StationError(
        'SITE_REFUSED',
        `The database answered as site ${hello.siteId}, station ${hello.stationId}; this station paired with site ${this.d.identity.siteId} as ${this.d.identity.stationId}.`,
      );
    }
    if (hello.keyCheck !== this.d.cipher.checkValue) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `The site's key check does not match this station's site key (key id ${this.d.cipher.keyId}, site ${hello.keyId}).`,
      );
    }
  }

  /**
   * Leaves the site: last audit rows pushed, the site told (it stops sending), then every site
   * person erased here (with verification) and the bookkeeping forgotten. Leaving erases
   * nothing on the site: the people stay enrolled at the other doors. When the site cannot be
   * reached the station still leaves; `told` says so.
   */
  leave(eraseAll: () => ErasureOutcome[]): Promise<{ told: boolean; erased: ErasureOutcome[] }> {
    return this.exclusive(async () => {
      let told = true;
      try {
        await this.d.pusher.push();
        await this.d.dir.leave();
      } catch (err) {
        if (!(err instanceof StationError && err.code === 'SITE_UNAVAILABLE')) throw err;
        told = false;
      }
      const erased = eraseAll();
      this.d.replica.clear();
      this.stopped = true;
      return { told, erased };
    });
  }

  /** Refreshes `head` (the site's newest change) for status; false when unreachable. */
  async refreshHead(): Promise<boolean> {
    try {
      this.head = await this.d.dir.head();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * An enrolment made at this station, written to the site (a new person, or new photos for
   * one: then on the version this station holds, so a concurrent edit is a SITE_CONFLICT),
   * then pulled back into the replica. Templates and the link secret leave sealed.
   */
  publishEnrolment(p: EnrolmentPublication): Promise<void> {
    return this.exclusive(async () => {
      const expected = p.reEnrol ? this.localVersion(p.person.id) : null;
      await this.d.dir.putPerson(
        {
          personId: p.person.id,
          ...(p.reEnrol ? {} : newPersonFields(p)),
          ...(p.reEnrol
            ? {}
            : { linkSealed: this.d.cipher.sealLinkSecret(randomBytes(32), p.person.id) }),
          consents: [{ consentId: randomUUID(), ...p.consent }],
          templates: p.templates.map((t) => {
            const templateId = randomUUID();
            const binding = {
              templateId,
              personId: p.person.id,
              modelId: t.modelId,
              dim: t.vector.length,
            };
            return {
              templateId,
              modelId: t.modelId,
              dim: t.vector.length,
              keyId: this.d.cipher.keyId,
              sealed: this.d.cipher.sealTemplate(t.vector, binding),
              interEyePx: t.interEyePx,
              createdAt: t.createdAt,
            };
          }),
        },
        expected,
      );
      await this.pullAfterWrite();
      // Logged where it happened, under the person's subject (the pull made the link secret).
      this.d.audit.record({
        kind: 'enrolment',
        decision: null,
        personId: p.person.id,
        similarity: null,
        details: {
          templates: p.templates.length,
          consentVersion: p.consent.textVersion,
          recordedBy: p.consent.recordedBy,
          site: true,
          ...(p.reEnrol ? { reEnrolment: true } : {}),
        },
      });
    });
  }

  /** Edits a site person on the version this station holds (or `expectedVersion`). */
  editPerson(personId: string, edit: PersonEdit, expectedVersion?: number): Promise<number> {
    return this.exclusive(async () => {
      const expected = expectedVersion ?? this.localVersion(personId);
      const version = await this.d.dir.putPerson({ personId, ...edit }, expected);
      await this.pullAfterWrite();
      this.d.audit.record({
        kind: 'enrolment',
        decision: null,
        personId,
        similarity: null,
        // Which fields changed, not their values (an employee id is personal data).
        details: { edit: Object.keys(edit).sort(), version, site: true },
      });
      return version;
    });
  }

  /** Writes a schedule, group or door record (null deletes) on the version held here. */
  putAccess(
    entity: AccessEntity,
    name: string,
    value: unknown,
    expectedVersion?: number | null,
  ): Promise<number> {
    return this.exclusive(async () => {
      const held = this.d.replica.accessVersions().get(`${entity}:${name}`) ?? null;
      const version = await this.d.dir.putAccess(
        entity,
        name,
        value,
        expectedVersion === undefined ? held : expectedVersion,
      );
      await this.pullAfterWrite();
      return version;
    });
  }

  /**
   * Writes several schedule/group/door records in one site transaction, each on the version
   * held here: a conflict on any of them writes none (a half-applied schedule change could
   * leave a group following a schedule the site lacks).
   */
  putAccessAll(writes: readonly { entity: AccessEntity; name: string; value: unknown }[]) {
    return this.exclusive(async () => {
      const held = this.d.replica.accessVersions();
      const versions = await this.d.dir.putAccessAll(
        writes.map((w) => ({ ...w, expectedVersion: held.get(`${w.entity}:${w.name}`) ?? null })),
      );
      await this.pullAfterWrite();
      return versions;
    });
  }

  /**
   * The station erased someone itself (admin view or CLI): recorded at once with its
   * verification; the tombstone and the ack go out with the next push.
   */
  erasedLocally(personId: string, report: ErasureOutcome): void {
    this.d.replica.recordErasure({
      personId,
      origin: 'local',
      ack: { held: true, verified: report.verified, problems: report.problems },
      tombstoneSent: false,
    });
    if (!this.stopped) void this.syncNow().catch(() => undefined);
  }

  private localVersion(personId: string): number {
    const v = this.d.replica.versions([personId]).get(personId);
    if (!v) {
      throw new StationError(
        'PERSON_NOT_FOUND',
        `Person ${personId} is not in this station's copy of the site directory.`,
      );
    }
    return v.version;
  }

  /** The write is on the site; failing to pull it back now only delays it to the next cycle. */
  private async pullAfterWrite(): Promise<void> {
    try {
      await this.d.puller.pull();
      this.markOnline();
    } catch (err) {
      this.markFailure(err);
      if (!(err instanceof StationError && err.code === 'SITE_UNAVAILABLE')) throw err;
    }
  }
}

/** What a new person brings to the site besides templates: name and the HR desk's fields. */
function newPersonFields(
  p: EnrolmentPublication,
): Pick<PersonWrite, 'name' | 'employeeId' | 'groups'> {
  return {
    name: p.person.name,
    ...(p.employeeId ? { employeeId: p.employeeId } : {}),
    ...(p.groups && p.groups.length > 0 ? { groups: [...p.groups] } : {}),
  };
}
