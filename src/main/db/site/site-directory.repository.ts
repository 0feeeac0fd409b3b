import type { Pool } from 'pg';
import type {
  AccessEntity,
  AccessWrite,
  CentralAccessRecord,
  CentralPerson,
  CentralTemplate,
  PersonWrite,
  SiteChange,
  SiteConsent,
  SiteDirectoryPort,
  StationHello,
  TombstoneAck,
} from '../../core/site/site-ports';
import { inTransaction, siteQuery } from './site-pool';

/** A versioned write of one access record (SITE_CONFLICT on a stale version). */
const PUT_ACCESS = 'SELECT site.station_put_access($1, $2, $3::jsonb, $4) AS version';
const accessValue = (value: unknown) => (value === null ? null : JSON.stringify(value));

interface PersonRow {
  person_id: string;
  name: string;
  employee_id: string | null;
  schedule: string | null;
  link_sealed: Buffer;
  version: number;
  updated_by: string | null;
  groups: string[];
  consents: SiteConsent[];
}

interface TemplateRow {
  template_id: string;
  person_id: string;
  model_id: string;
  dim: number;
  key_id: string;
  sealed: Buffer;
  inter_eye_px: number;
  created_at: string;
}

/** bigint columns arrive as strings (they may exceed 2^53); cursors and seqs never will. */
const int = (v: unknown): number => Number(v);

/**
 * The site directory as a paired station calls it: the site.station_* functions of migration
 * 0030, each a named prepared statement. The login (the station's own role) is what the site
 * knows the station by; nothing here sends a station id.
 */
export class SiteDirectoryRepository implements SiteDirectoryPort {
  constructor(private readonly pool: Pool) {}

  async hello(
    auditKeySealed: Buffer | null,
    appVersion: string,
    chainStart: { seq: number; mac: string } | null,
  ): Promise<StationHello> {
    const rows = await siteQuery<{ hello: StationHello }>(
      this.pool,
      'site_hello',
      'SELECT site.station_hello($1, $2, $3, $4) AS hello',
      [auditKeySealed, appVersion, chainStart?.seq ?? null, chainStart?.mac ?? null],
    );
    const h = rows[0]?.hello;
    if (!h) throw new Error('station_hello returned nothing');
    return h;
  }

  async head(): Promise<number> {
    const rows = await siteQuery<{ head: string }>(
      this.pool,
      'site_head',
      'SELECT site.station_head() AS head',
    );
    return int(rows[0]?.head ?? 0);
  }

  async changesSince(cursor: number, limit: number): Promise<SiteChange[]> {
    const rows = await siteQuery<{
      cursor: string;
      entity: SiteChange['entity'];
      entity_id: string;
    }>(
      this.pool,
      'site_changes',
      'SELECT cursor, entity, entity_id FROM site.station_changes($1, $2)',
      [cursor, limit],
    );
    return rows.map((r) => ({ cursor: int(r.cursor), entity: r.entity, entityId: r.entity_id }));
  }

  async people(ids: readonly string[]): Promise<CentralPerson[]> {
    if (ids.length === 0) return [];
    const rows = await siteQuery<PersonRow>(
      this.pool,
      'site_people',
      `SELECT person_id, name, employee_id, schedule, link_sealed, version, updated_by, groups,
              consents FROM site.station_people($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({
      personId: r.person_id,
      name: r.name,
      employeeId: r.employee_id,
      schedule: r.schedule,
      linkSealed: r.link_sealed,
      version: r.version,
      updatedBy: r.updated_by,
      groups: r.groups,
      consents: r.consents,
    }));
  }

  async templates(personIds: readonly string[]): Promise<CentralTemplate[]> {
    if (personIds.length === 0) return [];
    // The sealed bytes (most of a first sync's traffic) as base64, a third smaller than bytea's
    // hex text (node-postgres reads every result as text; its binary mode cannot carry bytea).
    const rows = await siteQuery<Omit<TemplateRow, 'sealed'> & { sealed: string }>(
      this.pool,
      'site_templates',
      `SELECT template_id, person_id, model_id, dim, key_id, encode(sealed, 'base64') AS sealed,
              inter_eye_px, created_at FROM site.station_templates($1::uuid[])`,
      [personIds],
    );
    return rows.map((r) => ({
      templateId: r.template_id,
      personId: r.person_id,
      modelId: r.model_id,
      dim: r.dim,
      keyId: r.key_id,
      sealed: Buffer.from(r.sealed, 'base64'),
      interEyePx: r.inter_eye_px,
      createdAt: r.created_at,
    }));
  }

  async access(
    schedules: readonly string[],
    groups: readonly string[],
    doors: readonly string[],
  ): Promise<CentralAccessRecord[]> {
    if (schedules.length + groups.length + doors.length === 0) return [];
    const rows = await siteQuery<{
      entity: AccessEntity;
      name: string;
      value: unknown;
      version: number;
    }>(
      this.pool,
      'site_access',
      'SELECT entity, name, value, version FROM site.station_access($1::text[], $2::text[], $3::text[])',
      [schedules, groups, doors],
    );
    return rows.map((r) => ({
      entity: r.entity,
      name: r.name,
      value: r.value,
      version: r.version,
    }));
  }

  async tombstonesAfter(cursor: number): Promise<{ cursor: number; personId: string }[]> {
    const rows = await siteQuery<{ cursor: string; person_id: string }>(
      this.pool,
      'site_tombstones_after',
      'SELECT cursor, person_id FROM site.station_tombstones_after($1)',
      [cursor],
    );
    return rows.map((r) => ({ cursor: int(r.cursor), personId: r.person_id }));
  }

  async putPerson(write: PersonWrite, expectedVersion: number | null): Promise<number> {
    const payload = {
      ...write,
      linkSealed: write.linkSealed?.toString('base64'),
      templates: write.templates?.map((t) => ({ ...t, sealed: t.sealed.toString('base64') })),
    };
    const rows = await siteQuery<{ version: number }>(
      this.pool,
      'site_put_person',
      'SELECT site.station_put_person($1::jsonb, $2) AS version',
      [JSON.stringify(payload), expectedVersion],
    );
    return rows[0]?.version ?? 0;
  }

  async erasePerson(personId: string): Promise<number> {
    const rows = await siteQuery<{ cursor: string }>(
      this.pool,
      'site_erase_person',
      'SELECT site.station_erase_person($1) AS cursor',
      [personId],
    );
    return int(rows[0]?.cursor ?? 0);
  }

  async ack(personId: string, ack: TombstoneAck): Promise<void> {
    await siteQuery(this.pool, 'site_ack', 'SELECT site.station_ack($1, $2, $3, $4::jsonb)', [
      personId,
      ack.held,
      ack.verified,
      JSON.stringify(ack.problems),
    ]);
  }

  async putAccess(
    entity: AccessEntity,
    name: string,
    value: unknown,
    expectedVersion: number | null,
  ): Promise<number> {
    const rows = await siteQuery<{ version: number }>(this.pool, 'site_put_access', PUT_ACCESS, [
      entity,
      name,
      accessValue(value),
      expectedVersion,
    ]);
    return rows[0]?.version ?? 0;
  }

  async putAccessAll(writes: readonly AccessWrite[]): Promise<number[]> {
    return inTransaction(this.pool, async (client) => {
      const versions: number[] = [];
      for (const w of writes) {
        const { rows } = await client.query<{ version: number }>({
          name: 'site_put_access',
          text: PUT_ACCESS,
          values: [w.entity, w.name, accessValue(w.value), w.expectedVersion],
        });
        versions.push(rows[0]?.version ?? 0);
      }
      return versions;
    });
  }

  async leave(): Promise<void> {
    await siteQuery(this.pool, 'site_leave', 'SELECT site.station_leave()');
  }
}
