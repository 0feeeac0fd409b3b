import type { SiteMigration } from './site-migration.types';

/**
 * What a station may do, as functions; stations get no table privileges at all. Each station is
 * its own login in `<database>_station`, which may only EXECUTE these SECURITY DEFINER functions;
 * they find the caller by `session_user`, so no station can act as another by naming it. A revoked
 * station may still push audit and receive tombstones (S0403 otherwise): erasures only remove data.
 * Writes name the version they edited, so a concurrent change is a conflict (S0409) that says who
 * changed it, never a silent overwrite; an erased person cannot be written again (S0410).
 */
export const siteMigration0030: SiteMigration = {
  version: 30,
  name: 'site-station-api',
  async up(c) {
    await c.query(GROUP_ROLES);
    await c.query(CALLER);
    await c.query(PULL);
    await c.query(PERSON_WRITES);
    await c.query(ACCESS_WRITES);
    await c.query(GRANTS);
  },
};

const GROUP_ROLES = `
  DO $do$
  DECLARE st text := current_database() || '_station';
          pr text := current_database() || '_pairing';
  BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = st) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', st);
    END IF;
    -- Its password is set by \`station site init\` and handed out in the join URL.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = pr) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', pr);
    END IF;
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), st, pr);
    EXECUTE format('GRANT USAGE ON SCHEMA site TO %I, %I', st, pr);
  END $do$;
`;

const CALLER = `
  CREATE FUNCTION site.caller_station(p_pull boolean) RETURNS site.stations
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations;
  BEGIN
    SELECT * INTO st FROM site.stations WHERE role_name = session_user;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'S0401',
        MESSAGE = format('login %s is not a station of this site', session_user);
    END IF;
    IF p_pull AND st.revoked_at IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'S0403',
        MESSAGE = format('station %s was revoked at %s (%s): it receives nothing more from the site',
                         st.station_id, st.revoked_at, coalesce(st.revoked_reason, 'no reason given'));
    END IF;
    RETURN st;
  END $fn$;

  CREATE FUNCTION site.station_hello(p_audit_key bytea, p_version text, p_chain_seq bigint,
                                     p_chain_mac text) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(false);
          m site.meta;
  BEGIN
    SELECT * INTO m FROM site.meta WHERE id = 1;
    IF p_audit_key IS NOT NULL THEN
      IF st.audit_key_sealed IS NULL THEN
        UPDATE site.stations SET audit_key_sealed = p_audit_key WHERE station_id = st.station_id;
      ELSIF st.audit_key_sealed <> p_audit_key THEN
        RAISE EXCEPTION USING ERRCODE = 'S0401',
          MESSAGE = 'this station registered its audit key already; another one is refused';
      END IF;
    END IF;
    UPDATE site.stations SET paired_at = coalesce(paired_at, now()), last_seen_at = now(),
      app_version = p_version WHERE station_id = st.station_id;
    -- The first hello fixes where the station's chain starts; later ones cannot move it.
    INSERT INTO site.audit_chain (station_id, start_seq, start_mac, last_seq, last_mac,
                                  verified_seq, verified_mac)
      VALUES (st.station_id, coalesce(p_chain_seq, 0), coalesce(p_chain_mac, repeat('0', 64)),
              coalesce(p_chain_seq, 0), coalesce(p_chain_mac, repeat('0', 64)),
              coalesce(p_chain_seq, 0), coalesce(p_chain_mac, repeat('0', 64)))
      ON CONFLICT DO NOTHING;
    RETURN jsonb_build_object('stationId', st.station_id, 'label', st.label, 'doorId', st.door_id,
      'siteId', m.site_id, 'keyId', m.key_id, 'keyCheck', m.key_check,
      'revokedAt', st.revoked_at);
  END $fn$;
`;

const PULL = `
  CREATE FUNCTION site.station_head() RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  BEGIN
    PERFORM site.caller_station(true);
    RETURN (SELECT cursor FROM site.change_head WHERE id = 1);
  END $fn$;

  -- Also records how far the caller got (the admin's lag column) and that it was seen.
  CREATE FUNCTION site.station_changes(p_after bigint, p_limit integer)
  RETURNS TABLE (cursor bigint, entity text, entity_id text)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  #variable_conflict use_column
  DECLARE st site.stations := site.caller_station(true);
  BEGIN
    UPDATE site.stations SET pulled_cursor = p_after, last_seen_at = now()
      WHERE station_id = st.station_id;
    RETURN QUERY SELECT c.cursor, c.entity, c.entity_id FROM site.changes c
      WHERE c.cursor > p_after ORDER BY c.cursor LIMIT least(p_limit, 10000);
  END $fn$;

  CREATE FUNCTION site.station_people(p_ids uuid[])
  RETURNS TABLE (person_id uuid, name text, employee_id text, schedule text, link_sealed bytea,
                 version integer, updated_by uuid, groups text[], consents jsonb)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM site.caller_station(true);
    RETURN QUERY SELECT p.person_id, p.name, p.employee_id, p.schedule, p.link_sealed, p.version,
      p.updated_by,
      coalesce((SELECT array_agg(g.group_name ORDER BY g.group_name) FROM site.person_groups g
                WHERE g.person_id = p.person_id), '{}'::text[]),
      coalesce((SELECT jsonb_agg(jsonb_build_object('consentId', k.consent_id,
                  'textVersion', k.text_version, 'purpose', k.purpose,
                  'grantedAt', k.granted_at, 'recordedBy', k.recorded_by)
                  ORDER BY k.granted_at, k.consent_id)
                FROM site.consents k WHERE k.person_id = p.person_id), '[]'::jsonb)
    FROM site.people p WHERE p.person_id = ANY (p_ids);
  END $fn$;

  CREATE FUNCTION site.station_templates(p_people uuid[])
  RETURNS TABLE (template_id uuid, person_id uuid, model_id text, dim integer, key_id text,
                 sealed bytea, inter_eye_px double precision, created_at text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM site.caller_station(true);
    RETURN QUERY SELECT t.template_id, t.person_id, t.model_id, t.dim, t.key_id, t.sealed,
      t.inter_eye_px, t.created_at
    FROM site.templates t WHERE t.person_id = ANY (p_people) ORDER BY t.person_id, t.template_id;
  END $fn$;

  CREATE FUNCTION site.station_access(p_schedules text[], p_groups text[], p_doors text[])
  RETURNS TABLE (entity text, name text, value jsonb, version integer)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM site.caller_station(true);
    RETURN QUERY
      SELECT 'schedule'::text, s.name, s.windows, s.version FROM site.schedules s
        WHERE s.name = ANY (p_schedules)
      UNION ALL
      SELECT 'group'::text, g.name, jsonb_build_object('schedule', g.schedule), g.version FROM site.groups g
        WHERE g.name = ANY (p_groups)
      UNION ALL
      SELECT 'door'::text, d.door_id, d.settings, d.version FROM site.door_settings d
        WHERE d.door_id = ANY (p_doors);
  END $fn$;

  -- Tombstones reach revoked stations too: erasures only remove data.
  CREATE FUNCTION site.station_tombstones_after(p_after bigint)
  RETURNS TABLE (cursor bigint, person_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  #variable_conflict use_column
  BEGIN
    PERFORM site.caller_station(false);
    RETURN QUERY SELECT c.cursor, c.entity_id::uuid FROM site.changes c
      WHERE c.entity = 'tombstone' AND c.cursor > p_after ORDER BY c.cursor;
  END $fn$;
`;

const PERSON_WRITES = `
  CREATE FUNCTION site.conflict(p_what text, p_current integer, p_at timestamptz, p_by uuid,
                                p_expected integer) RETURNS void
  LANGUAGE plpgsql AS $fn$
  BEGIN
    RAISE EXCEPTION USING ERRCODE = 'S0409', MESSAGE = format(
      '%s was changed meanwhile: it is at version %s (changed %s by station %s); this edit was made on version %s. Reload it and edit again.',
      p_what, p_current, p_at, coalesce(p_by::text, 'unknown'), coalesce(p_expected::text, 'none (a new record)'));
  END $fn$;

  CREATE FUNCTION site.station_put_person(p jsonb, p_expected integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(true);
          v_id uuid := (p ->> 'personId')::uuid;
          cur site.people;
          v_version integer;
  BEGIN
    IF EXISTS (SELECT 1 FROM site.tombstones t WHERE t.person_id = v_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'S0410',
        MESSAGE = format('person %s was erased from the site and cannot be written again', v_id);
    END IF;
    SELECT * INTO cur FROM site.people WHERE person_id = v_id FOR UPDATE;
    IF FOUND AND (p_expected IS NULL OR cur.version <> p_expected) THEN
      PERFORM site.conflict(format('person %s', v_id), cur.version, cur.updated_at, cur.updated_by, p_expected);
    END IF;
    IF NOT FOUND AND p_expected IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'S0409',
        MESSAGE = format('person %s is not in the site directory', v_id);
    END IF;
    IF NOT FOUND THEN
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

  -- The person's rows go (templates, consents, groups, the sealed link secret); a tombstone
  -- with no personal data takes their place. Repeating an erasure changes nothing.
  CREATE FUNCTION site.station_erase_person(p_person uuid) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(true);
  BEGIN
    DELETE FROM site.people WHERE person_id = p_person;
    INSERT INTO site.tombstones (person_id, erased_by) VALUES (p_person, st.station_id)
      ON CONFLICT DO NOTHING;
    IF FOUND THEN
      RETURN site.record_change('tombstone', p_person::text, st.station_id);
    END IF;
    RETURN (SELECT c.cursor FROM site.changes c
            WHERE c.entity = 'tombstone' AND c.entity_id = p_person::text);
  END $fn$;

  CREATE FUNCTION site.station_ack(p_person uuid, p_held boolean, p_verified boolean,
                                   p_problems jsonb) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(false);
  BEGIN
    INSERT INTO site.tombstone_acks (person_id, station_id, held, verified, problems)
      VALUES (p_person, st.station_id, p_held, p_verified, coalesce(p_problems, '[]'))
      ON CONFLICT (person_id, station_id) DO UPDATE SET acked_at = now(), held = excluded.held,
        verified = excluded.verified, problems = excluded.problems;
  END $fn$;
`;

/** Schedules, groups and per-door settings: one versioned record each; NULL value = delete. */
const ACCESS_WRITES = `
  CREATE FUNCTION site.station_put_access(p_entity text, p_name text, p_value jsonb,
                                          p_expected integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(true);
          v integer; v_at timestamptz; v_by uuid;
  BEGIN
    IF p_entity = 'schedule' THEN
      SELECT version, updated_at, updated_by INTO v, v_at, v_by FROM site.schedules WHERE name = p_name FOR UPDATE;
    ELSIF p_entity = 'group' THEN
      SELECT version, updated_at, updated_by INTO v, v_at, v_by FROM site.groups WHERE name = p_name FOR UPDATE;
    ELSIF p_entity = 'door' THEN
      SELECT version, updated_at, updated_by INTO v, v_at, v_by FROM site.door_settings WHERE door_id = p_name FOR UPDATE;
    ELSE
      RAISE EXCEPTION 'unknown access entity %', p_entity;
    END IF;
    IF v IS DISTINCT FROM p_expected THEN
      IF v IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'S0409', MESSAGE = format('%s %s does not exist (any more)', p_entity, p_name);
      END IF;
      PERFORM site.conflict(format('%s %s', p_entity, p_name), v, v_at, v_by, p_expected);
    END IF;
    IF p_value IS NULL OR p_value = 'null'::jsonb THEN
      IF v IS NULL THEN RETURN 0; END IF;
      DELETE FROM site.schedules WHERE p_entity = 'schedule' AND name = p_name;
      DELETE FROM site.groups WHERE p_entity = 'group' AND name = p_name;
      DELETE FROM site.door_settings WHERE p_entity = 'door' AND door_id = p_name;
      PERFORM site.record_change(p_entity, p_name, st.station_id);
      RETURN 0;
    END IF;
    IF p_entity = 'schedule' THEN
      INSERT INTO site.schedules (name, windows, updated_by) VALUES (p_name, p_value, st.station_id)
        ON CONFLICT (name) DO UPDATE SET windows = excluded.windows, version = site.schedules.version + 1,
          updated_at = now(), updated_by = excluded.updated_by;
    ELSIF p_entity = 'group' THEN
      INSERT INTO site.groups (name, schedule, updated_by) VALUES (p_name, p_value ->> 'schedule', st.station_id)
        ON CONFLICT (name) DO UPDATE SET schedule = excluded.schedule, version = site.groups.version + 1,
          updated_at = now(), updated_by = excluded.updated_by;
    ELSE
      INSERT INTO site.door_settings (door_id, settings, updated_by) VALUES (p_name, p_value, st.station_id)
        ON CONFLICT (door_id) DO UPDATE SET settings = excluded.settings,
          version = site.door_settings.version + 1, updated_at = now(), updated_by = excluded.updated_by;
    END IF;
    PERFORM site.record_change(p_entity, p_name, st.station_id);
    RETURN coalesce(v, 0) + 1;
  END $fn$;
`;

const GRANTS = `
  -- PostgreSQL grants EXECUTE to PUBLIC on every new function (a per-schema default cannot
  -- take that back), so it is revoked here, after they exist, before granting to the roles.
  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA site FROM PUBLIC;
  DO $do$
  DECLARE st text := current_database() || '_station';
  BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION
      site.station_hello(bytea, text, bigint, text), site.station_head(), site.station_changes(bigint, integer),
      site.station_people(uuid[]), site.station_templates(uuid[]),
      site.station_access(text[], text[], text[]), site.station_tombstones_after(bigint),
      site.station_put_person(jsonb, integer), site.station_erase_person(uuid),
      site.station_ack(uuid, boolean, boolean, jsonb),
      site.station_put_access(text, text, jsonb, integer) TO %I', st);
  END $do$;
`;
