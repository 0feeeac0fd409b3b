import type { SiteMigration } from './site-migration.types';

/**
 * Every station's audit events as the station logged them: (station_id, seq) recognises a re-sent
 * row, and the chain MACs and `at` string (compared bytewise, COLLATE "C") are kept exactly, so the
 * central copy verifies by the station's own rule (core/site/site-chain-verifier.ts). audit_chain
 * holds each station's arrival and verification state; audit_flags names every row out of chain,
 * conflicting, forged or from a revoked station. Triggers refuse UPDATE and DELETE on both, so an
 * accident fails instead of rewriting history.
 */
export const siteMigration0020: SiteMigration = {
  version: 20,
  name: 'site-audit',
  async up(c) {
    await c.query(`
      -- The door a row is about: details.door when details is a JSON object naming one.
      CREATE FUNCTION site.door_of(p_details text) RETURNS text
      LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        IF jsonb_typeof(p_details::jsonb -> 'door') = 'string' THEN
          RETURN p_details::jsonb ->> 'door';
        END IF;
        RETURN NULL;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END $fn$;

      CREATE TABLE site.audit_events (
        station_id       uuid NOT NULL REFERENCES site.stations,
        seq              bigint NOT NULL CHECK (seq > 0),
        at               text COLLATE "C" NOT NULL,
        kind             text NOT NULL,
        decision         text,
        subject_hmac     text,
        similarity       double precision,
        details          text NOT NULL,
        prev_mac         text NOT NULL,
        mac              text NOT NULL,
        door             text GENERATED ALWAYS AS (site.door_of(details)) STORED,
        received_at      timestamptz NOT NULL DEFAULT now(),
        station_revoked  boolean NOT NULL DEFAULT false,
        PRIMARY KEY (station_id, seq)
      );
      CREATE INDEX audit_at ON site.audit_events (at, station_id, seq);
      CREATE INDEX audit_station_at ON site.audit_events (station_id, at, seq);
      CREATE INDEX audit_door_at ON site.audit_events (door, at, station_id, seq)
        WHERE door IS NOT NULL;
      CREATE INDEX audit_subject_at ON site.audit_events (subject_hmac, at, station_id, seq)
        WHERE subject_hmac IS NOT NULL;

      CREATE TABLE site.audit_chain (
        station_id    uuid PRIMARY KEY REFERENCES site.stations,
        -- Where the station's central chain starts: its log's genesis (0), or the retention
        -- checkpoint it had purged up to when it joined.
        start_seq     bigint NOT NULL DEFAULT 0,
        start_mac     text NOT NULL DEFAULT repeat('0', 64),
        last_seq      bigint NOT NULL DEFAULT 0,
        last_mac      text NOT NULL DEFAULT repeat('0', 64),
        rows          bigint NOT NULL DEFAULT 0,
        verified_seq  bigint NOT NULL DEFAULT 0,
        verified_mac  text NOT NULL DEFAULT repeat('0', 64),
        verified_at   timestamptz
      );
      CREATE TABLE site.audit_flags (
        id          bigserial PRIMARY KEY,
        station_id  uuid NOT NULL REFERENCES site.stations,
        seq         bigint NOT NULL,
        problem     text NOT NULL CHECK (problem IN ('gap', 'chain', 'conflict', 'forged', 'revoked')),
        detail      text NOT NULL,
        flagged_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (station_id, seq, problem)
      );

      CREATE FUNCTION site.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $fn$;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON site.audit_events
        FOR EACH ROW EXECUTE FUNCTION site.refuse_audit_change();
      CREATE TRIGGER audit_flags_append_only BEFORE UPDATE OR DELETE ON site.audit_flags
        FOR EACH ROW EXECUTE FUNCTION site.refuse_audit_change();
    `);
  },
};
