import type {
  LocalAuditPort,
  LocalErasurePort,
  LocalGalleryPort,
  LocalPersonVersion,
  LocalReplicaPort,
  Membership,
  ReplicaAdded,
  ReplicaPerson,
} from './local-replica-port';
import { PullMemberships } from './pull-memberships';
import { foldSiteAccess, type LocalAccessPort } from './site-access';
import type { SiteCipher } from './site-cipher';
import type {
  AccessEntity,
  CentralAccessRecord,
  CentralPerson,
  CentralTemplate,
  SiteChange,
  SiteDirectoryPort,
} from './site-ports';

export interface SitePullDeps {
  dir: SiteDirectoryPort;
  replica: LocalReplicaPort;
  cipher: SiteCipher;
  gallery: LocalGalleryPort;
  erasure: LocalErasurePort;
  audit: LocalAuditPort;
  access: LocalAccessPort;
  /** This station's embedding model: templates of others are stored, never indexed. */
  modelId: string;
  /** Its embedding space (the gallery's): what this station's own model's templates get. */
  embeddingSpace: string;
  now: () => Date;
  /** Changes per page: one page = one local transaction. */
  pageSize: number;
  /**
   * The sealed index file is written at most this often by pulls (default 10 s): at a large
   * gallery one write takes seconds, longer than the time between a busy site's enrolments.
   * The additions are in the index at once; only the file lags, and a stale file is rebuilt
   * from the database by whoever opens it. Removals write at once. 0: every pull writes.
   */
  indexSaveEveryMs?: number;
}

const INDEX_SAVE_EVERY_MS = 10_000;

export interface PullReport {
  changes: number;
  people: number;
  templatesAdded: number;
  templatesRemoved: number;
  erased: number;
  access: number;
  cursor: number;
  problems: string[];
  /** Where a pull's time went: waiting for the site, applying pages, the deferred index build. */
  timing: { waitMs: number; applyMs: number; indexMs: number };
}

interface FetchedPage {
  changes: SiteChange[];
  tombstones: string[];
  central: CentralPerson[];
  templates: CentralTemplate[];
  access: CentralAccessRecord[];
  names: Record<AccessEntity, string[]>;
  doors: string[];
}

const noPage: Promise<FetchedPage | null> = Promise.resolve(null);

/** Zeroes collected vectors; the index build then reads the database instead. */
function discard(kept: ReplicaAdded[]): null {
  for (const a of kept) a.vector.fill(0);
  return null;
}

/**
 * Pulls the site's changes after the replica's cursor, page by page. Each page is applied in
 * ONE local transaction that also moves the cursor, so a station killed mid-pull resumes at
 * the last committed page, and a page applied again changes nothing (people carry their site
 * version, templates their site id). Tombstones are applied first, with the station's own
 * erasure and its verification, and queued for acknowledgement.
 *
 * The gallery follows each page at once, in memory: its file is written in the background after
 * the pull, or later (indexSaveEveryMs), never per page (Gallery.holdWrites). A new station's first
 * pull (its first page full, its gallery empty) builds the index once at the end instead, from
 * the vectors it decrypted anyway; it serves from then on, while its file is being written.
 */
export class SitePuller {
  constructor(private readonly d: SitePullDeps) {}

  async pull(): Promise<PullReport> {
    const report: PullReport = {
      changes: 0,
      people: 0,
      templatesAdded: 0,
      templatesRemoved: 0,
      erased: 0,
      access: 0,
      cursor: this.d.replica.state().cursor,
      problems: [],
      timing: { waitMs: 0, applyMs: 0, indexMs: 0 },
    };
    const releaseIndex = this.d.gallery.holdWrites();
    try {
      await this.pullPages(report);
    } finally {
      const saving = performance.now();
      // Only the copy of the index is taken here; sealing and writing it do not hold up the
      // next pull (a 100k gallery's file is ~600 MB).
      releaseIndex(this.d.indexSaveEveryMs ?? INDEX_SAVE_EVERY_MS, { background: true });
      report.timing.indexMs += performance.now() - saving;
    }
    // Tells the site how far this station got (the admin's lag), when that moved.
    if (report.changes > 0) await this.d.dir.changesSince(report.cursor, 0);
    this.d.replica.noteSync({ lastPullAt: this.d.now().toISOString() });
    return report;
  }

  /** Resolves once the index file a pull started writing in the background is written. */
  indexWritten(): Promise<void> {
    return this.d.gallery.writesSettled();
  }

  /** Writes index additions a pull left unsaved (at stop: the next start then loads the file). */
  async saveIndex(): Promise<void> {
    await this.d.gallery.writesSettled();
    this.d.gallery.holdWrites()(0);
  }

  private async pullPages(report: PullReport): Promise<void> {
    // A new station (no templates yet, a full first page) builds its index once at the end,
    // from the vectors this pull decrypted anyway, instead of growing it page by page.
    let fresh: ReplicaAdded[] | null = null;
    let building: boolean | null = null;
    let deferred = false;
    const members = new PullMemberships(this.d.replica);
    // The next page is fetched while this one is applied (the apply is local CPU and disk;
    // the fetch waits on the site): a first sync of 100k people is dozens of pages.
    let next = this.fetchPage(report.cursor);
    for (;;) {
      const waited = performance.now();
      const page = await next;
      report.timing.waitMs += performance.now() - waited;
      if (!page) break;
      const full = page.changes.length === this.d.pageSize;
      if (building === null) {
        building = full && this.d.gallery.size === 0;
        if (building) fresh = [];
      }
      next = full ? this.fetchPage(page.changes[page.changes.length - 1]!.cursor) : noPage;
      // Failing, it fails the pull at the await above; never as an unhandled rejection.
      next.catch(() => undefined);
      const applying = performance.now();
      const r = this.applyPage(page, report, building ? 'defer' : 'live', fresh, members);
      // A removal or an erasure during the pull makes the collected list stale: drop it.
      if (fresh && r.removed + r.erased > 0) fresh = discard(fresh);
      report.timing.applyMs += performance.now() - applying;
      deferred ||= building && r.added + r.removed > 0;
    }
    const indexing = performance.now();
    if (deferred) this.d.gallery.rebuild(fresh ?? undefined, { deferWrite: true });
    if (fresh) discard(fresh);
    report.timing.indexMs = performance.now() - indexing;
  }

  /**
   * Tombstones after the replica's cursor, applied before anything else: a station back after
   * a long absence erases before it decides a single door (see SiteSync.catchUp).
   */
  async applyTombstonesAfterCursor(): Promise<number> {
    const list = await this.d.dir.tombstonesAfter(this.d.replica.state().cursor);
    return this.applyTombstones(list.map((t) => t.personId));
  }

  /** Erases the listed people this station holds (one compaction), queues every ack. */
  applyTombstones(personIds: readonly string[]): number {
    // Each erasure is applied and acknowledged once (a tombstone is seen again by the pull
    // after the start-up catch-up, and the station's own erasures come back as tombstones).
    const todo = personIds.filter((id) => !this.d.replica.knowsErasure(id));
    const held = todo.filter((id) => this.d.replica.holds(id));
    const reports = this.d.erasure.eraseMany(held, { source: 'site' });
    const byId = new Map(held.map((id, i) => [id, reports[i]]));
    for (const id of todo) {
      const r = byId.get(id);
      this.d.replica.recordErasure({
        personId: id,
        origin: 'site',
        ack: { held: r !== undefined, verified: r?.verified ?? true, problems: r?.problems ?? [] },
        tombstoneSent: true,
      });
    }
    return held.length;
  }

  /** One page of changes with the site's current state of what they name (network only). */
  private async fetchPage(cursor: number): Promise<FetchedPage | null> {
    const changes = await this.d.dir.changesSince(cursor, this.d.pageSize);
    if (changes.length === 0) return null;
    const ids = (entity: SiteChange['entity']) =>
      changes.filter((c) => c.entity === entity).map((c) => c.entityId);
    const names = { schedule: ids('schedule'), group: ids('group'), door: ids('door') };
    const doorId = this.d.access.doorId();
    const doors = names.door.filter((d) => d === doorId);
    const people = ids('person');
    const [central, templates, access] = await Promise.all([
      this.d.dir.people(people),
      this.d.dir.templates(people),
      this.d.dir.access(names.schedule, names.group, doors),
    ]);
    return { changes, tombstones: ids('tombstone'), central, templates, access, names, doors };
  }

  /**
   * Applies a fetched page in one local transaction; returns what it changed.
   * 'live' updates the gallery now; 'defer' leaves it to one build after the pull, and
   * `keep` (a new station's) collects this model's new templates for that build.
   */
  private applyPage(
    page: FetchedPage,
    report: PullReport,
    gallery: 'live' | 'defer',
    keep: ReplicaAdded[] | null,
    members: PullMemberships,
  ): { added: number; removed: number; erased: number } {
    const { changes, names, doors, access, templates } = page;
    const erased = this.applyTombstones(page.tombstones);
    report.erased += erased;
    const byPerson = new Map<string, CentralTemplate[]>();
    for (const t of templates) byPerson.set(t.personId, [...(byPerson.get(t.personId) ?? []), t]);
    const cursor = changes[changes.length - 1]!.cursor;
    let added: ReplicaAdded[] = [];
    let removed: number[] = [];
    let prepared: ReplicaPerson[] = [];
    const from = report.cursor;
    // Local versions are read inside the write transaction: another process of this station
    // (the CLI syncing while the host runs) cannot slip the same change in between.
    this.d.replica.transaction(() => {
      const erasing = new Set(this.d.replica.pendingErasures().map((e) => e.personId));
      const { people, local } = this.staleCentralPeople(
        page.central.filter((p) => !erasing.has(p.personId)),
      );
      prepared = people.map((p) =>
        this.prepare(p, byPerson.get(p.personId) ?? [], local.get(p.personId)),
      );
      // Memberships are refolded into the policy only when some person's groups may have moved.
      const membership = prepared.some((p, i) => {
        const before = local.get(people[i]!.personId);
        return p.groups.length > 0 || p.schedule !== null || (before?.hasMembership ?? false);
      });
      members.checkBeforeApply();
      ({ added, removedIds: removed } = this.d.replica.applyPeople(
        prepared,
        this.d.now().toISOString(),
      ));
      if (prepared.length > 0)
        this.audit(prepared.length, added.length, removed.length, from, cursor);
      const everyone = () => members.afterApply(prepared);
      this.applyAccess({ records: access, names, doors }, membership, everyone, report);
      this.d.replica.setCursor(cursor);
      members.settle();
    });
    if (gallery === 'live') this.updateGallery(added, removed);
    const kept = keep ? added.filter((a) => a.embeddingSpace === this.d.embeddingSpace) : [];
    keep?.push(...kept);
    // Plaintext vectors do not outlive the page (the index holds its own copy), except those
    // kept for the new station's one index build, zeroed right after it.
    const keeping = new Set(kept.map((a) => a.vector));
    for (const p of prepared)
      p.addTemplates.forEach((t) => keeping.has(t.vector) || t.vector.fill(0));
    report.changes += changes.length;
    report.people += prepared.length;
    report.templatesAdded += added.length;
    report.templatesRemoved += removed.length;
    report.cursor = cursor;
    return { added: added.length, removed: removed.length, erased };
  }

  /** The fetched people whose site version is newer than the replica's. */
  private staleCentralPeople(central: CentralPerson[]): {
    people: CentralPerson[];
    local: Map<string, LocalPersonVersion>;
  } {
    const local = this.d.replica.versions(central.map((p) => p.personId));
    const people = central.filter((p) => (local.get(p.personId)?.version ?? 0) < p.version);
    return { people, local };
  }

  /** Decrypts what is new for the person (outside the transaction: it is CPU work). */
  private prepare(
    p: CentralPerson,
    mine: CentralTemplate[],
    local: LocalPersonVersion | undefined,
  ): ReplicaPerson {
    const have = local?.templateUids ?? new Set<string>();
    const central = new Set(mine.map((t) => t.templateId));
    return {
      personId: p.personId,
      name: p.name,
      employeeId: p.employeeId,
      schedule: p.schedule,
      groups: p.groups,
      version: p.version,
      consents: p.consents,
      linkSecret: this.d.cipher.openLinkSecret(p.linkSealed, p.personId),
      addTemplates: mine
        .filter((t) => !have.has(t.templateId))
        .map((t) => ({
          uid: t.templateId,
          modelId: t.modelId,
          ...(t.modelId === this.d.modelId ? { embeddingSpace: this.d.embeddingSpace } : {}),
          vector: this.d.cipher.openTemplate(t.sealed, t),
          interEyePx: t.interEyePx,
          createdAt: t.createdAt,
        })),
      removeTemplateUids: [...have].filter((uid) => !central.has(uid)),
    };
  }

  /**
   * One audit row per applied page, not per person: a new station's first pull is the whole
   * directory, and 100,000 rows saying "copied" would drown its log (and the site's). The
   * enrolment itself is logged, under the person's subject, by the station where it happened
   * (SiteSync.publishEnrolment); this row says which changes reached this door and when.
   */
  private audit(people: number, added: number, removed: number, from: number, to: number): void {
    this.d.audit.record({
      kind: 'enrolment',
      decision: null,
      personId: null,
      similarity: null,
      details: {
        source: 'site',
        people,
        templates: added,
        ...(removed > 0 ? { removedTemplates: removed } : {}),
        fromCursor: from,
        toCursor: to,
      },
    });
  }

  private applyAccess(
    page: Pick<FetchedPage, 'names' | 'doors'> & { records: CentralAccessRecord[] },
    peopleChanged: boolean,
    /** Everyone's memberships (the pull's copy, this page's people included). */
    everyone: () => Membership[],
    report: PullReport,
  ): void {
    const { records, names, doors } = page;
    const seen = new Set(records.map((r) => `${r.entity}:${r.name}`));
    const gone = (['schedule', 'group'] as const).flatMap((entity) =>
      names[entity].filter((n) => !seen.has(`${entity}:${n}`)).map((name) => ({ entity, name })),
    );
    if (records.length === 0 && gone.length === 0 && !peopleChanged) return;
    const groupsChanged = names.group.length > 0;
    const members = peopleChanged || groupsChanged ? everyone() : null;
    const change = foldSiteAccess(
      this.d.access.policy(),
      records,
      gone,
      this.d.access.doorId(),
      members,
    );
    if (change.policy) this.d.access.setPolicy(change.policy, 'site');
    if (change.liveness) this.d.access.setLiveness(change.liveness, 'site');
    report.problems.push(...change.problems);
    for (const r of records) this.d.replica.setAccessVersion(r.entity, r.name, r.version);
    for (const g of gone) this.d.replica.setAccessVersion(g.entity, g.name, null);
    for (const d of doors.filter((x) => !seen.has(`door:${x}`)))
      this.d.replica.setAccessVersion('door', d, null);
    report.access += records.length + gone.length;
  }

  private updateGallery(added: ReplicaAdded[], removed: number[]): void {
    let rebuilt = false;
    if (removed.length > 0) rebuilt = this.d.gallery.removeTemplates(removed).rebuilt;
    const mine = added.filter((a) => a.embeddingSpace === this.d.embeddingSpace);
    if (!rebuilt && mine.length > 0) this.d.gallery.addCommitted(mine);
  }
}
