import type {
  LocalPersonVersion,
  LocalReplicaPort,
  Membership,
  PendingErasure,
  ReplicaAdded,
  ReplicaPerson,
  ReplicaState,
} from '../core/site/local-replica-port';
import type { SiteAuditRow } from '../core/site/site-ports';
import { AUDIT_GENESIS_MAC } from '../../shared/audit-constants';
import type { Db } from './sqlite';
import type { TemplatesRepository } from './templates.repository';

interface StateRow {
  cursor: number;
  pushed_seq: number;
  last_pull_at: string | null;
  last_push_at: string | null;
  last_error: string | null;
}

interface ErasureRow {
  person_id: string;
  origin: 'local' | 'site';
  held: number;
  verified: number;
  problems: string;
  tombstone_sent: number;
}

/**
 * The station's side of a site in its own SQLite file. Applying a site person writes the same
 * tables an enrolment does, sealing vectors with this station's key, so the rest of the station
 * cannot tell the difference.
 */
export class SiteReplicaRepository implements LocalReplicaPort {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly templates: TemplatesRepository,
  ) {
    this.s = {
      state: db.prepare<[], StateRow>(
        'SELECT cursor, pushed_seq, last_pull_at, last_push_at, last_error FROM site_replica WHERE id = 1',
      ),
      // Never backwards: a slower process of this station finishing an older page later.
      setCursor: db.prepare<[number]>(
        'UPDATE site_replica SET cursor = max(cursor, ?) WHERE id = 1',
      ),
      setPushed: db.prepare<[number]>('UPDATE site_replica SET pushed_seq = ? WHERE id = 1'),
      // One query per page, not two per person (a page is up to a thousand people).
      versions: db.prepare<[string], { person_id: string; version: number; member: number }>(
        `SELECT person_id, version, (groups <> '[]' OR schedule IS NOT NULL) AS member
         FROM site_people WHERE person_id IN (SELECT value FROM json_each(?))`,
      ),
      uids: db.prepare<[string], { person_id: string; template_uid: string }>(
        `SELECT person_id, template_uid FROM site_templates
         WHERE person_id IN (SELECT value FROM json_each(?))`,
      ),
      personExists: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM people WHERE id = ?'),
      upsertPerson: db.prepare(
        `INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name`,
      ),
      // The site's link secret, kept once it is here (a person's subject never changes).
      insertLink: db.prepare(
        'INSERT OR IGNORE INTO person_links (person_id, secret, legacy) VALUES (?, ?, 0)',
      ),
      deleteConsents: db.prepare('DELETE FROM consents WHERE person_id = ?'),
      insertConsent: db.prepare(
        'INSERT INTO consents (person_id, text_version, purpose, granted_at, recorded_by) VALUES (?, ?, ?, ?, ?)',
      ),
      upsertSitePerson: db.prepare(
        `INSERT INTO site_people (person_id, version, employee_id, groups, schedule)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET version = excluded.version,
           employee_id = excluded.employee_id, groups = excluded.groups, schedule = excluded.schedule`,
      ),
      // The HR fields where the station's own people code reads them (lists, the door's
      // schedule check). An id a local, pre-site person holds (NOCASE-unique here) is left
      // off rather than failing every later pull; the site keeps its own ids unique.
      setProfile: db.prepare<{ id: string; employeeId: string | null; schedule: string | null }>(
        `UPDATE people SET schedule = @schedule, employee_id = CASE WHEN EXISTS (
           SELECT 1 FROM people o WHERE o.id <> @id AND o.employee_id = @employeeId COLLATE NOCASE)
           THEN NULL ELSE @employeeId END
         WHERE id = @id`,
      ),
      deleteGroups: db.prepare('DELETE FROM person_groups WHERE person_id = ?'),
      insertGroup: db.prepare(
        'INSERT OR IGNORE INTO person_groups (person_id, group_name) VALUES (?, ?)',
      ),
      mapTemplate: db.prepare(
        'INSERT INTO site_templates (template_uid, template_id, person_id) VALUES (?, ?, ?)',
      ),
      templateIdOf: db.prepare<[string], { template_id: number }>(
        'SELECT template_id FROM site_templates WHERE template_uid = ?',
      ),
      deleteTemplate: db.prepare('DELETE FROM templates WHERE id = ?'),
      sitePeople: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM site_people'),
      erasures: db.prepare<[], ErasureRow>(
        `SELECT person_id, origin, held, verified, problems, tombstone_sent FROM site_erasures
         WHERE acked = 0 ORDER BY rowid`,
      ),
      upsertErasure: db.prepare(
        `INSERT INTO site_erasures (person_id, origin, held, verified, problems, tombstone_sent)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET held = excluded.held,
           verified = excluded.verified, problems = excluded.problems`,
      ),
      tombstoneSent: db.prepare('UPDATE site_erasures SET tombstone_sent = 1 WHERE person_id = ?'),
      acked: db.prepare('UPDATE site_erasures SET acked = 1 WHERE person_id = ?'),
      known: db.prepare<[string], { n: number }>(
        'SELECT 1 AS n FROM site_erasures WHERE person_id = ?',
      ),
      accessVersions: db.prepare<[], { entity: string; name: string; version: number }>(
        'SELECT entity, name, version FROM site_access',
      ),
      setAccess: db.prepare(
        `INSERT INTO site_access (entity, name, version) VALUES (?, ?, ?)
         ON CONFLICT(entity, name) DO UPDATE SET version = excluded.version`,
      ),
      dropAccess: db.prepare('DELETE FROM site_access WHERE entity = ? AND name = ?'),
      memberships: db.prepare<[], { person_id: string; groups: string; schedule: string | null }>(
        'SELECT person_id, groups, schedule FROM site_people ORDER BY person_id',
      ),
      // One pass over a small table; what a pull's copy of the memberships is checked against.
      peopleFingerprint: db.prepare<[], { n: number; v: number; c: number }>(
        `SELECT count(*) AS n, total(version) AS v,
           (SELECT cursor FROM site_replica WHERE id = 1) AS c FROM site_people`,
      ),
      auditAfter: db.prepare<[number, number], AuditRowDb>(
        `SELECT id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac
         FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`,
      ),
      backlog: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM audit_events WHERE id > ?',
      ),
      checkpoint: db.prepare<[], { boundary_id: number; boundary_mac: string }>(
        'SELECT boundary_id, boundary_mac FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
      ),
    };
  }

  state(): ReplicaState {
    const r = this.s.state.get();
    return {
      cursor: r?.cursor ?? 0,
      pushedSeq: r?.pushed_seq ?? 0,
      lastPullAt: r?.last_pull_at ?? null,
      lastPushAt: r?.last_push_at ?? null,
      lastError: r?.last_error ?? null,
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  setCursor(cursor: number): void {
    this.s.setCursor.run(cursor);
  }

  setPushedSeq(seq: number): void {
    this.s.setPushed.run(seq);
  }

  noteSync(patch: Partial<Pick<ReplicaState, 'lastPullAt' | 'lastPushAt' | 'lastError'>>): void {
    const cols = {
      lastPullAt: 'last_pull_at',
      lastPushAt: 'last_push_at',
      lastError: 'last_error',
    };
    for (const [key, value] of Object.entries(patch)) {
      const col = cols[key as keyof typeof cols];
      this.db.prepare(`UPDATE site_replica SET ${col} = ? WHERE id = 1`).run(value ?? null);
    }
  }

  versions(personIds: readonly string[]): Map<string, LocalPersonVersion> {
    const out = new Map<string, LocalPersonVersion>();
    const ids = JSON.stringify(personIds);
    for (const v of this.s.versions.all(ids)) {
      out.set(v.person_id, {
        version: v.version,
        templateUids: new Set(),
        hasMembership: v.member === 1,
      });
    }
    for (const u of this.s.uids.all(ids)) out.get(u.person_id)?.templateUids.add(u.template_uid);
    return out;
  }

  applyPeople(
    people: readonly ReplicaPerson[],
    at: string,
  ): { added: ReplicaAdded[]; removedIds: number[] } {
    const removedIds: number[] = [];
    for (const p of people) removedIds.push(...this.writePerson(p, at));
    // Every new template of the page in one go (one savepoint, not one per person).
    const adding = people.flatMap((p) => p.addTemplates.map((t) => ({ p, t })));
    const ids = this.templates.addMany(
      adding.map(({ p, t }) => ({
        personId: p.personId,
        modelId: t.modelId,
        embeddingSpace: t.embeddingSpace ?? t.modelId,
        vector: t.vector,
        interEyePx: t.interEyePx,
        createdAt: t.createdAt,
      })),
    );
    const added = adding.map(({ p, t }, i) => {
      const id = ids[i]!;
      this.s.mapTemplate.run(t.uid, id, p.personId);
      const embeddingSpace = t.embeddingSpace ?? t.modelId;
      return { id, personId: p.personId, vector: t.vector, modelId: t.modelId, embeddingSpace };
    });
    return { added, removedIds };
  }

  /** The person's rows (person, link, consents, site record); returns removed template ids. */
  private writePerson(p: ReplicaPerson, at: string): number[] {
    this.s.upsertPerson.run(p.personId, p.name, p.consents[0]?.grantedAt ?? at);
    // The site's link secret, so this person's audit subject is the same at every door.
    this.s.insertLink.run(p.personId, p.linkSecret);
    this.s.deleteConsents.run(p.personId);
    for (const c of p.consents) {
      this.s.insertConsent.run(p.personId, c.textVersion, c.purpose, c.grantedAt, c.recordedBy);
    }
    this.s.upsertSitePerson.run(
      p.personId,
      p.version,
      p.employeeId,
      JSON.stringify(p.groups),
      p.schedule,
    );
    this.s.setProfile.run({ id: p.personId, employeeId: p.employeeId, schedule: p.schedule });
    this.s.deleteGroups.run(p.personId);
    for (const g of p.groups) this.s.insertGroup.run(p.personId, g);
    const removedIds: number[] = [];
    for (const uid of p.removeTemplateUids) {
      const row = this.s.templateIdOf.get(uid);
      if (!row) continue;
      this.s.deleteTemplate.run(row.template_id);
      removedIds.push(row.template_id);
    }
    return removedIds;
  }

  holds(personId: string): boolean {
    return this.s.personExists.get(personId) !== undefined;
  }

  sitePeople(): number {
    return this.s.sitePeople.get()?.n ?? 0;
  }

  pendingErasures(): PendingErasure[] {
    return this.s.erasures.all().map((r) => ({
      personId: r.person_id,
      origin: r.origin,
      ack: {
        held: r.held === 1,
        verified: r.verified === 1,
        problems: JSON.parse(r.problems) as string[],
      },
      tombstoneSent: r.tombstone_sent === 1,
    }));
  }

  recordErasure(e: PendingErasure): void {
    this.s.upsertErasure.run(
      e.personId,
      e.origin,
      e.ack.held ? 1 : 0,
      e.ack.verified ? 1 : 0,
      JSON.stringify(e.ack.problems),
      e.tombstoneSent ? 1 : 0,
    );
  }

  markTombstoneSent(personId: string): void {
    this.s.tombstoneSent.run(personId);
  }

  markAcked(personId: string): void {
    this.s.acked.run(personId);
  }

  knowsErasure(personId: string): boolean {
    return this.s.known.get(personId) !== undefined;
  }

  accessVersions(): Map<string, number> {
    return new Map(this.s.accessVersions.all().map((r) => [`${r.entity}:${r.name}`, r.version]));
  }

  setAccessVersion(entity: string, name: string, version: number | null): void {
    if (version === null) this.s.dropAccess.run(entity, name);
    else this.s.setAccess.run(entity, name, version);
  }

  memberships(): Membership[] {
    return this.s.memberships.all().map((r) => ({
      personId: r.person_id,
      groups: JSON.parse(r.groups) as string[],
      schedule: r.schedule,
    }));
  }

  membershipFingerprint(): string {
    const r = this.s.peopleFingerprint.get();
    return `${r?.n ?? 0}:${r?.v ?? 0}:${r?.c ?? 0}`;
  }

  auditRowsAfter(seq: number, limit: number): Omit<SiteAuditRow, 'stationId'>[] {
    return this.s.auditAfter.all(seq, limit).map((r) => ({
      seq: r.id,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subjectHmac: r.subject_hmac,
      similarity: r.similarity,
      details: r.details,
      prevMac: r.prev_mac ?? '',
      mac: r.mac ?? '',
    }));
  }

  auditBacklog(seq: number): number {
    return this.s.backlog.get(seq)?.n ?? 0;
  }

  auditChainStart(): { seq: number; mac: string } {
    const cp = this.s.checkpoint.get();
    return cp ? { seq: cp.boundary_id, mac: cp.boundary_mac } : { seq: 0, mac: AUDIT_GENESIS_MAC };
  }

  clear(): void {
    this.db.exec(`
      DELETE FROM site_templates; DELETE FROM site_people; DELETE FROM site_access;
      DELETE FROM site_erasures;
      UPDATE site_replica SET cursor = 0, pushed_seq = 0, last_pull_at = NULL,
        last_push_at = NULL, last_error = NULL;
    `);
  }
}

interface AuditRowDb {
  id: number;
  at: string;
  kind: string;
  decision: string | null;
  subject_hmac: string | null;
  similarity: number | null;
  details: string;
  prev_mac: string | null;
  mac: string | null;
}
