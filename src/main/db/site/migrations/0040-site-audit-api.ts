import type { SiteMigration } from './site-migration.types';

/**
 * Audit arrival, the site's review reads, and pairing. station_push_audit checks each row against
 * the station's stored chain: an identical re-send is ignored (exactly once); a different row at a
 * stored sequence, a gap or a broken prev_mac is flagged and kept, since it is evidence. MACs need
 * the station's audit key, which the database never holds, so key holders verify
 * (core/site/site-chain-verifier.ts) and record the result here. Reviewers see rows only through
 * views for active stations or the owner; pairing codes are redeemed once by `<database>_pairing`.
 */
export const siteMigration0040: SiteMigration = {
  version: 40,
  name: 'site-audit-api',
  async up(c) {
    await c.query(PUSH);
    await c.query(REVIEW);
    await c.query(PAIRING);
    await c.query(GRANTS);
  },
};

const PUSH = `
  CREATE FUNCTION site.station_push_audit(p_rows jsonb) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(false);
          ch site.audit_chain;
          r record;
          old site.audit_events;
          before_mac text;
          n_inserted integer := 0; n_duplicates integer := 0; n_flagged integer := 0;
  BEGIN
    INSERT INTO site.audit_chain (station_id) VALUES (st.station_id) ON CONFLICT DO NOTHING;
    SELECT * INTO ch FROM site.audit_chain WHERE station_id = st.station_id FOR UPDATE;
    FOR r IN SELECT * FROM jsonb_to_recordset(p_rows) AS x(
        station_id uuid, seq bigint, at text, kind text, decision text, subject_hmac text,
        similarity double precision, details text, prev_mac text, mac text)
      ORDER BY x.seq
    LOOP
      IF r.station_id IS DISTINCT FROM st.station_id THEN
        RAISE EXCEPTION USING ERRCODE = 'S0401', MESSAGE = format(
          'station %s sent audit rows as station %s: refused, nothing of this batch was stored',
          st.station_id, r.station_id);
      END IF;
      SELECT * INTO old FROM site.audit_events e WHERE e.station_id = st.station_id AND e.seq = r.seq;
      IF FOUND THEN
        IF (old.at, old.kind, old.decision, old.subject_hmac, old.similarity, old.details, old.prev_mac, old.mac)
           IS NOT DISTINCT FROM (r.at, r.kind, r.decision, r.subject_hmac, r.similarity, r.details, r.prev_mac, r.mac) THEN
          n_duplicates := n_duplicates + 1;
        ELSE
          INSERT INTO site.audit_flags (station_id, seq, problem, detail)
            VALUES (st.station_id, r.seq, 'conflict',
                    format('row %s arrived again with different content (mac %s, stored %s); the stored row was kept',
                           r.seq, left(r.mac, 12), left(old.mac, 12)))
            ON CONFLICT DO NOTHING;
          n_flagged := n_flagged + 1;
        END IF;
        CONTINUE;
      END IF;
      IF r.seq > ch.last_seq + 1 THEN
        INSERT INTO site.audit_flags (station_id, seq, problem, detail)
          VALUES (st.station_id, r.seq, 'gap',
                  CASE WHEN r.seq = ch.last_seq + 2 THEN format('row %s is missing (row %s follows row %s)', ch.last_seq + 1, r.seq, ch.last_seq)
                       ELSE format('rows %s-%s are missing (row %s follows row %s)', ch.last_seq + 1, r.seq - 1, r.seq, ch.last_seq) END)
          ON CONFLICT DO NOTHING;
        n_flagged := n_flagged + 1;
      ELSE
        before_mac := CASE WHEN r.seq = ch.last_seq + 1 THEN ch.last_mac
                           ELSE (SELECT e.mac FROM site.audit_events e WHERE e.station_id = st.station_id AND e.seq = r.seq - 1) END;
        IF before_mac IS NOT NULL AND before_mac <> r.prev_mac THEN
          INSERT INTO site.audit_flags (station_id, seq, problem, detail)
            VALUES (st.station_id, r.seq, 'chain',
                    format('row %s does not chain to row %s (prev_mac %s, stored mac %s)',
                           r.seq, r.seq - 1, left(r.prev_mac, 12), left(before_mac, 12)))
            ON CONFLICT DO NOTHING;
          n_flagged := n_flagged + 1;
        END IF;
      END IF;
      INSERT INTO site.audit_events (station_id, seq, at, kind, decision, subject_hmac, similarity,
                                     details, prev_mac, mac, station_revoked)
        VALUES (st.station_id, r.seq, r.at, r.kind, r.decision, r.subject_hmac, r.similarity,
                r.details, r.prev_mac, r.mac, st.revoked_at IS NOT NULL);
      n_inserted := n_inserted + 1;
      IF r.seq > ch.last_seq THEN
        ch.last_seq := r.seq;
        ch.last_mac := r.mac;
      END IF;
    END LOOP;
    UPDATE site.audit_chain SET last_seq = ch.last_seq, last_mac = ch.last_mac,
      rows = rows + n_inserted WHERE station_id = st.station_id;
    UPDATE site.stations SET last_seen_at = now() WHERE station_id = st.station_id;
    RETURN jsonb_build_object('inserted', n_inserted, 'duplicates', n_duplicates,
                              'flagged', n_flagged, 'lastSeq', ch.last_seq);
  END $fn$;

  -- Where this station's rows stand centrally: it resends from here after a lost answer.
  CREATE FUNCTION site.station_audit_position() RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(false);
  BEGIN
    RETURN coalesce((SELECT a.last_seq FROM site.audit_chain a WHERE a.station_id = st.station_id), 0);
  END $fn$;

  CREATE FUNCTION site.station_leave() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE st site.stations := site.caller_station(false);
  BEGIN
    UPDATE site.stations SET revoked_at = coalesce(revoked_at, now()),
      revoked_reason = coalesce(revoked_reason, 'left the site') WHERE station_id = st.station_id;
  END $fn$;
`;

const REVIEW = `
  -- An active station, or the site's owner (admin tools).
  CREATE FUNCTION site.caller_may_review() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
    SELECT EXISTS (SELECT 1 FROM site.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL)
        OR pg_has_role(session_user, (SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = 'site'), 'MEMBER');
  $fn$;

  CREATE VIEW site.audit_review WITH (security_barrier = true) AS
    SELECT e.station_id, e.seq, e.at, e.kind, e.decision, e.subject_hmac, e.similarity, e.details,
           e.prev_mac, e.mac, e.door, e.received_at, e.station_revoked
    FROM site.audit_events e WHERE (SELECT site.caller_may_review());

  CREATE VIEW site.audit_flags_review WITH (security_barrier = true) AS
    SELECT f.id, f.station_id, f.seq, f.problem, f.detail, f.flagged_at
    FROM site.audit_flags f WHERE (SELECT site.caller_may_review());

  CREATE VIEW site.station_review WITH (security_barrier = true) AS
    SELECT s.station_id, s.label, s.door_id, s.paired_at, s.revoked_at, s.revoked_reason,
           s.last_seen_at, s.pulled_cursor, s.audit_key_sealed,
           coalesce(a.start_seq, 0) AS start_seq, coalesce(a.start_mac, repeat('0', 64)) AS start_mac,
           coalesce(a.last_seq, 0) AS audit_last_seq, coalesce(a.rows, 0) AS audit_rows,
           coalesce(a.verified_seq, 0) AS verified_seq,
           coalesce(a.verified_mac, repeat('0', 64)) AS verified_mac, a.verified_at
    FROM site.stations s LEFT JOIN site.audit_chain a USING (station_id)
    WHERE (SELECT site.caller_may_review());

  -- Erasures and who acknowledged them: the admin's proof that each reached every door.
  CREATE VIEW site.erasure_review WITH (security_barrier = true) AS
    SELECT t.person_id, t.erased_at, t.erased_by, c.cursor,
      coalesce((SELECT jsonb_agg(jsonb_build_object('stationId', k.station_id, 'ackedAt', k.acked_at,
                  'held', k.held, 'verified', k.verified, 'problems', k.problems) ORDER BY k.acked_at)
                FROM site.tombstone_acks k WHERE k.person_id = t.person_id), '[]'::jsonb) AS acks
    FROM site.tombstones t LEFT JOIN site.changes c
      ON c.entity = 'tombstone' AND c.entity_id = t.person_id::text
    WHERE (SELECT site.caller_may_review());

  CREATE FUNCTION site.station_record_verification(p_station uuid, p_from_seq bigint,
      p_to_seq bigint, p_to_mac text, p_flags jsonb) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  BEGIN
    IF NOT site.caller_may_review() THEN
      RAISE EXCEPTION USING ERRCODE = 'S0401', MESSAGE = format('login %s may not record verification', session_user);
    END IF;
    UPDATE site.audit_chain SET verified_seq = p_to_seq, verified_mac = p_to_mac, verified_at = now()
      WHERE station_id = p_station AND verified_seq = p_from_seq;
    IF NOT FOUND THEN
      RETURN false;
    END IF;
    INSERT INTO site.audit_flags (station_id, seq, problem, detail)
      SELECT p_station, (f ->> 'seq')::bigint, f ->> 'problem', f ->> 'detail'
      FROM jsonb_array_elements(coalesce(p_flags, '[]')) f
      ON CONFLICT DO NOTHING;
    RETURN true;
  END $fn$;
`;

const PAIRING = `
  CREATE FUNCTION site.redeem_pairing(p_lookup text) RETURNS bytea
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = site, pg_temp AS $fn$
  DECLARE v bytea;
  BEGIN
    UPDATE site.pairings SET used_at = now()
      WHERE lookup = p_lookup AND used_at IS NULL AND expires_at > now()
      RETURNING sealed INTO v;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'S0404',
        MESSAGE = 'this pairing code is unknown, was used already or has expired; ask the admin for a new one';
    END IF;
    RETURN v;
  END $fn$;
`;

const GRANTS = `
  -- PostgreSQL grants EXECUTE to PUBLIC on every new function (a per-schema default cannot
  -- take that back), so it is revoked here, after they exist, before granting to the roles.
  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA site FROM PUBLIC;
  DO $do$
  DECLARE st text := current_database() || '_station';
          pr text := current_database() || '_pairing';
  BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION site.station_push_audit(jsonb),
      site.station_audit_position(), site.station_leave(), site.caller_may_review(),
      site.station_record_verification(uuid, bigint, bigint, text, jsonb) TO %I', st);
    EXECUTE format('GRANT SELECT ON site.audit_review, site.audit_flags_review,
      site.station_review, site.erasure_review TO %I', st);
    EXECUTE format('GRANT EXECUTE ON FUNCTION site.redeem_pairing(text) TO %I', pr);
  END $do$;
`;
