import { escapeIdentifier, escapeLiteral, type Pool } from 'pg';
import { StationError } from '../../../shared/errors';
import type { SiteAdminPort } from '../../core/site/site-pairing';
import type { CentralTemplate, SiteConsent } from '../../core/site/site-ports';
import { inTransaction, siteQuery } from './site-pool';

export interface SiteMeta {
  siteId: string;
  keyId: string;
  keyCheck: string;
}

export interface NewStation {
  stationId: string;
  role: string;
  password: string;
  label: string;
  doorId: string;
}

/** A person as a bulk import writes them (already sealed under the site key). */
export interface ImportedPerson {
  personId: string;
  name: string;
  employeeId: string | null;
  linkSealed: Buffer;
  consent: SiteConsent;
  templates: Omit<CentralTemplate, 'personId'>[];
}

/**
 * What only the site's owner does, logged in with the owner's URL (never stored by a station):
 * create the site, create stations with their own logins, issue pairing codes, revoke. Role
 * names and passwords are DDL, which takes no parameters: they are escaped with node-postgres'
 * own escapeIdentifier / escapeLiteral, and the names are ours ([a-z0-9_] only).
 */
export class SiteAdminRepository implements SiteAdminPort {
  constructor(private readonly pool: Pool) {}

  async database(): Promise<string> {
    const rows = await siteQuery<{ db: string }>(
      this.pool,
      'site_db',
      'SELECT current_database() AS db',
    );
    return rows[0]?.db ?? '';
  }

  async meta(): Promise<SiteMeta | null> {
    const rows = await siteQuery<{ site_id: string; key_id: string; key_check: string }>(
      this.pool,
      'site_meta',
      'SELECT site_id, key_id, key_check FROM site.meta WHERE id = 1',
    );
    const r = rows[0];
    return r ? { siteId: r.site_id, keyId: r.key_id, keyCheck: r.key_check } : null;
  }

  /** Records the site (once) and sets the pairing login's password (each init). */
  async initSite(meta: SiteMeta, pairingPassword: string): Promise<SiteMeta> {
    const db = await this.database();
    return inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO site.meta (id, site_id, key_id, key_check) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO NOTHING`,
        [meta.siteId, meta.keyId, meta.keyCheck],
      );
      const stored = await c.query<{ site_id: string; key_id: string; key_check: string }>(
        'SELECT site_id, key_id, key_check FROM site.meta WHERE id = 1',
      );
      const s = stored.rows[0]!;
      if (s.key_check !== meta.keyCheck) {
        throw new StationError(
          'TEMPLATE_KEY_MISMATCH',
          `This database already holds site ${s.site_id} (key id ${s.key_id}): a station joins it with a pairing code from one of its stations (station site pair), not with site init.`,
        );
      }
      await c.query(
        `ALTER ROLE ${escapeIdentifier(`${db}_pairing`)} PASSWORD ${escapeLiteral(pairingPassword)}`,
      );
      return { siteId: s.site_id, keyId: s.key_id, keyCheck: s.key_check };
    });
  }

  /** The station's own login (member of `<database>_station`) and its row, in one transaction. */
  async createStation(s: NewStation): Promise<void> {
    if (!/^[a-z0-9_]{1,63}$/.test(s.role))
      throw new StationError('BAD_REQUEST', `bad role ${s.role}`);
    const db = await this.database();
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `CREATE ROLE ${escapeIdentifier(s.role)} LOGIN PASSWORD ${escapeLiteral(s.password)}
         IN ROLE ${escapeIdentifier(`${db}_station`)}`,
      );
      await c.query(
        'INSERT INTO site.stations (station_id, role_name, label, door_id) VALUES ($1, $2, $3, $4)',
        [s.stationId, s.role, s.label, s.doorId],
      );
    });
  }

  async createPairing(
    lookup: string,
    stationId: string,
    sealed: Buffer,
    expiresAt: Date,
  ): Promise<void> {
    await siteQuery(
      this.pool,
      'site_create_pairing',
      'INSERT INTO site.pairings (lookup, station_id, sealed, expires_at) VALUES ($1, $2, $3, $4)',
      [lookup, stationId, sealed, expiresAt],
    );
  }

  /**
   * Revoked: the station's pulls are refused from now on; its pushes are still stored, marked.
   * Its unused pairing codes die with it. Returns false for an unknown station.
   */
  async revoke(stationId: string, reason: string): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query(
        `UPDATE site.stations SET revoked_at = coalesce(revoked_at, now()),
           revoked_reason = coalesce(revoked_reason, $2) WHERE station_id = $1`,
        [stationId, reason],
      );
      await c.query(
        'UPDATE site.pairings SET used_at = coalesce(used_at, now()) WHERE station_id = $1',
        [stationId],
      );
      return r.rowCount === 1;
    });
  }

  /** Stations by id, label or door (the admin's command line names them any way). */
  async findStations(
    nameOrId: string,
  ): Promise<{ stationId: string; label: string; doorId: string }[]> {
    const rows = await siteQuery<{ station_id: string; label: string; door_id: string }>(
      this.pool,
      'site_find_stations',
      `SELECT station_id, label, door_id FROM site.stations
       WHERE station_id::text = $1 OR lower(label) = lower($1) OR door_id = $1 ORDER BY label`,
      [nameOrId],
    );
    return rows.map((r) => ({ stationId: r.station_id, label: r.label, doorId: r.door_id }));
  }

  /**
   * A directory imported in bulk (an existing HR list, the scale bench): people, one consent
   * each and their sealed templates, with one change per person, in one transaction.
   */
  async importPeople(people: readonly ImportedPerson[]): Promise<number> {
    if (people.length === 0) return 0;
    return inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO site.people (person_id, name, employee_id, link_sealed)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[])`,
        [
          people.map((p) => p.personId),
          people.map((p) => p.name),
          people.map((p) => p.employeeId),
          people.map((p) => p.linkSealed),
        ],
      );
      await c.query(
        `INSERT INTO site.consents (consent_id, person_id, text_version, purpose, granted_at, recorded_by)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [
          people.map((p) => p.consent.consentId),
          people.map((p) => p.personId),
          people.map((p) => p.consent.textVersion),
          people.map((p) => p.consent.purpose),
          people.map((p) => p.consent.grantedAt),
          people.map((p) => p.consent.recordedBy),
        ],
      );
      const t = people.flatMap((p) => p.templates.map((x) => ({ ...x, personId: p.personId })));
      await c.query(
        `INSERT INTO site.templates (template_id, person_id, model_id, dim, key_id, sealed,
           inter_eye_px, created_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[],
           $6::bytea[], $7::float8[], $8::text[])`,
        [
          t.map((x) => x.templateId),
          t.map((x) => x.personId),
          t.map((x) => x.modelId),
          t.map((x) => x.dim),
          t.map((x) => x.keyId),
          t.map((x) => x.sealed),
          t.map((x) => x.interEyePx),
          t.map((x) => x.createdAt),
        ],
      );
      // The change head's row lock orders this import with every other writer (migration 0010).
      const head = await c.query<{ cursor: string }>(
        'SELECT cursor FROM site.change_head WHERE id = 1 FOR UPDATE',
      );
      const base = Number(head.rows[0]?.cursor ?? 0);
      await c.query(
        `INSERT INTO site.changes (cursor, entity, entity_id)
         SELECT $2::bigint + u.ord, 'person', u.id FROM unnest($1::text[]) WITH ORDINALITY AS u(id, ord)`,
        [people.map((p) => p.personId), base],
      );
      await c.query('UPDATE site.change_head SET cursor = $1 WHERE id = 1', [base + people.length]);
      return people.length;
    });
  }
}
