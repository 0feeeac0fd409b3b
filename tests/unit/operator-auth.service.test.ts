import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir';
import { StationError } from '../../src/shared/errors';
import { AUTH_LIMITS } from '../../src/shared/operator-roles';
import type { Db } from '../../src/main/db/connection';
import { SettingsRepository } from '../../src/main/db/settings.repository';
import type { AuditInput } from '../../src/main/core/audit/audit-recorder';
import { OperatorAuthService } from '../../src/main/core/auth/operator-auth.service';
import { OperatorCredentials } from '../../src/main/core/auth/operator-credentials.repository';
import { hashPassphrase, verifyPassphrase } from '../../src/main/core/auth/passphrase-hash';
import { openDatabase } from '../../src/main/composition/station-database';

const ADMIN_PASS = 'correct horse battery';

describe('passphrase hash', () => {
  it('is salted scrypt with N >= 2^14 and verifies only the right passphrase', () => {
    const a = hashPassphrase(ADMIN_PASS);
    const b = hashPassphrase(ADMIN_PASS);
    expect(a.N).toBeGreaterThanOrEqual(2 ** 14);
    expect(a.saltHex).not.toBe(b.saltHex);
    expect(a.hashHex).not.toBe(b.hashHex);
    expect(JSON.stringify(a)).not.toContain(ADMIN_PASS);
    expect(verifyPassphrase(ADMIN_PASS, a)).toBe(true);
    expect(verifyPassphrase(`${ADMIN_PASS}!`, a)).toBe(false);
  });
});

describe('OperatorAuthService (real SQLite settings table)', () => {
  const temps: Array<{ cleanup: () => void }> = [];
  const dbs: Db[] = [];
  afterEach(() => {
    dbs.splice(0).forEach((d) => d.close());
    temps.splice(0).forEach((t) => t.cleanup());
  });

  function setup() {
    const tmp = makeTempDir('operator-auth-');
    temps.push(tmp);
    const db = openDatabase(join(tmp.dir, 'station.db'));
    dbs.push(db);
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const rows: AuditInput[] = [];
    const make = () =>
      new OperatorAuthService({
        credentials: new OperatorCredentials(new SettingsRepository(db)),
        audit: { record: (e) => rows.push(e) },
        now: () => new Date(nowMs),
      });
    return { auth: make(), make, rows, advance: (ms: number) => (nowMs += ms) };
  }

  it('is open until a passphrase is set, and the hash survives a reopen', () => {
    const { auth, make } = setup();
    expect(auth.status()).toEqual({ admin: 'open', reviewer: 'open' });
    expect(auth.authorize(['admin'], null)).toBeNull();
    auth.setPassphrase('admin', ADMIN_PASS);
    expect(make().status()).toEqual({ admin: 'protected', reviewer: 'open' });
    expect(auth.authorize(['admin'], null)).toMatch(/Log in as admin/);
    // Audit channels allow reviewer or admin: the reviewer role is still open.
    expect(auth.authorize(['reviewer', 'admin'], null)).toBeNull();
    auth.setPassphrase('admin', null);
    expect(auth.status().admin).toBe('open');
  });

  it('rejects a short passphrase', () => {
    const { auth } = setup();
    expect(() => auth.setPassphrase('admin', 'short')).toThrow(/at least 10/);
  });

  it('logs in with a 32-byte hex token, checks the role, and audits without the passphrase', () => {
    const { auth, rows } = setup();
    auth.setPassphrase('admin', ADMIN_PASS);
    auth.setPassphrase('reviewer', 'reviewer passphrase');
    expect(() => auth.login('admin', 'wrong passphrase')).toThrow(StationError);
    const { token } = auth.login('admin', ADMIN_PASS);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(auth.authorize(['admin'], token)).toBeNull();
    const rev = auth.login('reviewer', 'reviewer passphrase').token;
    expect(auth.authorize(['admin'], rev)).toMatch(/logged in as reviewer/);
    expect(auth.authorize(['reviewer', 'admin'], rev)).toBeNull();
    expect(auth.logout(token)).toBe(true);
    expect(auth.authorize(['admin'], token)).toMatch(/session has ended/);
    const logins = rows.filter((r) => r.kind === 'login').map((r) => r.details);
    expect(logins).toEqual([
      { role: 'admin', ok: false, reason: 'wrong-passphrase' },
      { role: 'admin', ok: true, reason: null },
      { role: 'reviewer', ok: true, reason: null },
      { role: 'admin', ok: true, reason: 'logout' },
    ]);
    expect(JSON.stringify(rows)).not.toContain(ADMIN_PASS);
  });

  it('ends a session after 15 idle minutes; activity renews it', () => {
    const { auth, advance } = setup();
    auth.setPassphrase('admin', ADMIN_PASS);
    const { token } = auth.login('admin', ADMIN_PASS);
    advance(AUTH_LIMITS.sessionIdleMs - 1000);
    expect(auth.authorize(['admin'], token)).toBeNull();
    advance(AUTH_LIMITS.sessionIdleMs - 1000);
    expect(auth.authorize(['admin'], token)).toBeNull();
    advance(AUTH_LIMITS.sessionIdleMs + 1);
    expect(auth.authorize(['admin'], token)).toMatch(/session has ended/);
  });

  it('locks a role for 60 s after 5 failures in a minute, even for the right passphrase', () => {
    const { auth, rows, advance } = setup();
    auth.setPassphrase('admin', ADMIN_PASS);
    for (let i = 0; i < AUTH_LIMITS.maxFailures; i++)
      expect(() => auth.login('admin', `guess number ${i}`)).toThrow(/Wrong admin passphrase/);
    expect(() => auth.login('admin', ADMIN_PASS)).toThrow(/Too many wrong passphrases/);
    expect(rows.at(-1)?.details).toEqual({ role: 'admin', ok: false, reason: 'locked' });
    advance(AUTH_LIMITS.lockMs + 1);
    expect(auth.login('admin', ADMIN_PASS).role).toBe('admin');
  });

  it('a changed passphrase ends the role sessions', () => {
    const { auth } = setup();
    auth.setPassphrase('admin', ADMIN_PASS);
    const { token } = auth.login('admin', ADMIN_PASS);
    auth.setPassphrase('admin', 'another long passphrase');
    expect(auth.authorize(['admin'], token)).not.toBeNull();
  });
});
