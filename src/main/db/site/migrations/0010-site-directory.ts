import type { SiteMigration } from './site-migration.types';

/**
 * The site directory and its stations. Templates and link secrets are sealed under keys derived
 * from the site key, which only stations hold (core/site/site-cipher.ts); `meta` keeps a one-way
 * check value, never the key. `changes` is the log stations pull by cursor; every writer updates
 * the single `change_head` row, so cursors follow commit order and a reader that saw N has seen
 * everything below N (a plain sequence lets a slow transaction commit 7 after a reader passed 8).
 * Only the newest change per entity is kept: stations pull state, not history.
 */
export const siteMigration0010: SiteMigration = {
  version: 10,
  name: 'site-directory',
  async up(c) {
    await c.query(`
      CREATE TABLE site.meta (
        id          integer PRIMARY KEY CHECK (id = 1),
        site_id     uuid NOT NULL,
        key_id      text NOT NULL,
        key_check   text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE site.change_head (
        id      integer PRIMARY KEY CHECK (id = 1),
        cursor  bigint NOT NULL
      );
      INSERT INTO site.change_head VALUES (1, 0);
      CREATE TABLE site.stations (
        station_id        uuid PRIMARY KEY,
        role_name         text NOT NULL UNIQUE,
        label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
        door_id           text NOT NULL CHECK (door_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$'),
        created_at        timestamptz NOT NULL DEFAULT now(),
        paired_at         timestamptz,
        revoked_at        timestamptz,
        revoked_reason    text,
        audit_key_sealed  bytea,
        last_seen_at      timestamptz,
        pulled_cursor     bigint NOT NULL DEFAULT 0,
        app_version       text
      );
      CREATE TABLE site.pairings (
        lookup      text PRIMARY KEY,
        station_id  uuid NOT NULL REFERENCES site.stations,
        sealed      bytea NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      );
      CREATE TABLE site.changes (
        cursor      bigint PRIMARY KEY,
        entity      text NOT NULL CHECK (entity IN ('person', 'tombstone', 'schedule', 'group', 'door')),
        entity_id   text NOT NULL,
        at          timestamptz NOT NULL DEFAULT now(),
        by_station  uuid
      );
      CREATE UNIQUE INDEX changes_entity ON site.changes (entity, entity_id);
      CREATE TABLE site.people (
        person_id    uuid PRIMARY KEY,
        name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        employee_id  text UNIQUE CHECK (length(employee_id) BETWEEN 1 AND 64),
        schedule     text,
        link_sealed  bytea NOT NULL,
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        updated_by   uuid
      );
      CREATE TABLE site.person_groups (
        person_id   uuid NOT NULL REFERENCES site.people ON DELETE CASCADE,
        group_name  text NOT NULL,
        PRIMARY KEY (person_id, group_name)
      );
      CREATE TABLE site.consents (
        consent_id    uuid PRIMARY KEY,
        person_id     uuid NOT NULL REFERENCES site.people ON DELETE CASCADE,
        text_version  text NOT NULL,
        purpose       text NOT NULL,
        granted_at    text NOT NULL,
        recorded_by   text NOT NULL,
        station_id    uuid
      );
      CREATE INDEX consents_person ON site.consents (person_id);
      CREATE TABLE site.templates (
        template_id   uuid PRIMARY KEY,
        person_id     uuid NOT NULL REFERENCES site.people ON DELETE CASCADE,
        model_id      text NOT NULL,
        dim           integer NOT NULL CHECK (dim > 0),
        key_id        text NOT NULL,
        sealed        bytea NOT NULL,
        inter_eye_px  double precision NOT NULL,
        created_at    text NOT NULL
      );
      CREATE INDEX templates_person ON site.templates (person_id);
      CREATE TABLE site.tombstones (
        person_id  uuid PRIMARY KEY,
        erased_at  timestamptz NOT NULL DEFAULT now(),
        erased_by  uuid
      );
      CREATE TABLE site.tombstone_acks (
        person_id   uuid NOT NULL REFERENCES site.tombstones ON DELETE CASCADE,
        station_id  uuid NOT NULL REFERENCES site.stations,
        acked_at    timestamptz NOT NULL DEFAULT now(),
        held        boolean NOT NULL,
        verified    boolean NOT NULL,
        problems    jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (person_id, station_id)
      );
      CREATE TABLE site.schedules (
        name        text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
        windows     jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  uuid
      );
      CREATE TABLE site.groups (
        name        text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
        schedule    text,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  uuid
      );
      CREATE TABLE site.door_settings (
        door_id     text PRIMARY KEY,
        settings    jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  uuid
      );

      -- The one way a change gets its cursor (see above); replaces the entity's older entry.
      CREATE FUNCTION site.record_change(p_entity text, p_id text, p_station uuid)
      RETURNS bigint LANGUAGE plpgsql AS $fn$
      DECLARE v_next bigint;
      BEGIN
        UPDATE site.change_head SET cursor = cursor + 1 WHERE id = 1 RETURNING cursor INTO v_next;
        DELETE FROM site.changes WHERE entity_id = p_id
          AND (entity = p_entity OR (p_entity = 'tombstone' AND entity = 'person'));
        INSERT INTO site.changes (cursor, entity, entity_id, by_station)
          VALUES (v_next, p_entity, p_id, p_station);
        RETURN v_next;
      END $fn$;
    `);
  },
};
