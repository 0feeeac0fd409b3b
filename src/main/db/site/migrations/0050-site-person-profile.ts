import { StationError } from '../../../../shared/errors';
import type { SiteMigration } from './site-migration.types';

/**
 * A person's employee id, groups and personal schedule as the stations hold them. Employee
 * ids become unique without regard to case, as every station's SQLite already has them
 * (migration 0220's NOCASE index): otherwise the site could accept "E17" at one desk and
 * "e17" at another, and every station would then hold two people its own index forbids. A
 * site that already holds such a pair is refused with their ids (an admin decides which one
 * is wrong; nothing is changed for them). A station writing an employee id another person
 * holds gets the site's clear conflict naming the id, not PostgreSQL's raw unique violation.
 * Group names get the same 1-64 characters a group record has.
 *
 * Like names, employee ids and group names are plaintext here: admins search and review by
 * them, and the site must enforce their uniqueness; they never appear in audit rows, which
 * name people only by pseudonym (0020), and templates stay sealed under the site key.
 */
export const siteMigration0050: SiteMigration = {
  version: 50,
  name: 'site-person-profile',
  async up(c) {
    const dupes = await c.query<{ id: string; people: string[] }>(
      `SELECT lower(employee_id) AS id, array_agg(person_id::text ORDER BY person_id) AS people
       FROM site.people WHERE employee_id IS NOT NULL
       GROUP BY lower(employee_id) HAVING count(*) > 1 ORDER BY 1 LIMIT 20`,
    );
    if (dupes.rows.length > 0) {
      const list = dupes.rows.map((d) => `"${d.id}" (${d.people.join(', ')})`).join('; ');
      throw new StationError(
        'SITE_CONFLICT',
        `Employee ids that differ only in case are held by different people: ${list}. ` +
          'Correct them with `station site person set`, then migrate again.',
      );
    }
    await c.query(`
      CREATE UNIQUE INDEX people_employee_id_nocase ON site.people (lower(employee_id));
      ALTER TABLE site.person_groups ADD CONSTRAINT person_groups_name_length
        CHECK (length(group_name) BETWEEN 1 AND 64);
    `);
    await c.query(PUT_PERSON);
  },
};

/** Migration 0030's function with the employee id check; grants are kept by REPLACE. */
const PUT_PERSON = `
  CREATE OR REPLACE FUNCTION site.station_put_person(p jsonb, p_expected integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(true);
          v_id uuid := (p ->> 'personId')::uuid;
          cur site.people;
          v_version integer;
          v_holder uuid;
          v_exists boolean;
  BEGIN
    IF EXISTS (SELECT 1 FROM site.tombstones t WHERE t.person_id = v_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'S0410',
        MESSAGE = format('person %s was erased from the site and cannot be written again', v_id);
    END IF;
    SELECT * INTO cur FROM site.people WHERE person_id = v_id FOR UPDATE;
    v_exists := FOUND;
    IF v_exists AND (p_expected IS NULL OR cur.version <> p_expected) THEN
      PERFORM site.conflict(format('person %s', v_id), cur.version, cur.updated_at, cur.updated_by, p_expected);
    END IF;
    IF NOT v_exists AND p_expected IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'S0409',
        MESSAGE = format('person %s is not in the site directory', v_id);
    END IF;
    IF p ->> 'employeeId' IS NOT NULL THEN
      SELECT o.person_id INTO v_holder FROM site.people o
        WHERE lower(o.employee_id) = lower(p ->> 'employeeId') AND o.person_id <> v_id;
      IF v_holder IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'S0409', MESSAGE = format(
          'employee id %s is already held by another person of the site (%s): nothing was changed',
          p ->> 'employeeId', v_holder);
      END IF;
    END IF;
    IF NOT v_exists THEN
      v_version := 1;
      INSERT INTO site.people (person_id, name, employee_id, schedule, link_sealed, version, updated_by)
        VALUES (v_id, p ->> 'name', p ->> 'employeeId', p ->> 'schedule',
                decode(p ->> 'linkSealed', 'base64'), 1, st.station_id);
    ELSE
      v_version := cur.version + 1;
      UPDATE site.people SET
        name = coalesce(p ->> 'name', name),
        employee_id = CASE WHEN p ? 'employeeId' THEN p ->> 'employeeId' ELSE employee_id END,
        schedule = CASE WHEN p ? 'schedule' THEN p ->> 'schedule' ELSE schedule END,
        version = v_version, updated_at = now(), updated_by = st.station_id
      WHERE person_id = v_id;
    END IF;
    IF jsonb_typeof(p -> 'groups') = 'array' THEN
      DELETE FROM site.person_groups WHERE person_id = v_id;
      INSERT INTO site.person_groups (person_id, group_name)
        SELECT DISTINCT v_id, g FROM jsonb_array_elements_text(p -> 'groups') g;
    END IF;
    INSERT INTO site.consents (consent_id, person_id, text_version, purpose, granted_at, recorded_by, station_id)
      SELECT (k ->> 'consentId')::uuid, v_id, k ->> 'textVersion', k ->> 'purpose',
             k ->> 'grantedAt', k ->> 'recordedBy', st.station_id
      FROM jsonb_array_elements(coalesce(p -> 'consents', '[]')) k;
    INSERT INTO site.templates (template_id, person_id, model_id, dim, key_id, sealed, inter_eye_px, created_at)
      SELECT (t ->> 'templateId')::uuid, v_id, t ->> 'modelId', (t ->> 'dim')::integer,
             t ->> 'keyId', decode(t ->> 'sealed', 'base64'),
             (t ->> 'interEyePx')::double precision, t ->> 'createdAt'
      FROM jsonb_array_elements(coalesce(p -> 'templates', '[]')) t;
    DELETE FROM site.templates WHERE person_id = v_id AND template_id IN (
      SELECT x::uuid FROM jsonb_array_elements_text(coalesce(p -> 'removeTemplates', '[]')) x);
    PERFORM site.record_change('person', v_id::text, st.station_id);
    RETURN v_version;
  END $fn$;
`;
