import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import { CHANNEL_ROLES } from '../../src/shared/operator-roles';
import { makeTempDir } from '../support/temp-dir';

describe('operator roles enforced by dispatch (real station, SQLite audit)', () => {
  const tmp = makeTempDir('operator-auth-it-');
  let station: Station;

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'browser' });
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  it('keeps every channel open while no passphrase is set, and reports it', async () => {
    const handlers = createStationHandlers(station);
    expect(await dispatch(handlers, 'people:list', {})).toMatchObject({ ok: true });
    expect(await dispatch(handlers, 'station:status', {})).toMatchObject({
      ok: true,
      value: { auth: { admin: 'open', reviewer: 'open' } },
    });
  });

  it('refuses protected channels without a valid session of an allowed role', async () => {
    const handlers = createStationHandlers(station);
    station.operators.setPassphrase('admin', 'admin passphrase 1');
    station.operators.setPassphrase('reviewer', 'reviewer passphrase 1');

    const anon = await dispatch(handlers, 'people:list', {});
    expect(anon).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // Refused before parsing: a malformed payload tells an anonymous caller nothing.
    expect(await dispatch(handlers, 'people:erase', { junk: 1 })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    const forged = await dispatch(handlers, 'audit:query', {}, { session: 'f'.repeat(64) });
    expect(forged).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const wrong = await dispatch(handlers, 'auth:login', { role: 'admin', passphrase: 'nope' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const rev = await dispatch(handlers, 'auth:login', {
      role: 'reviewer',
      passphrase: 'reviewer passphrase 1',
    });
    if (!rev.ok) throw new Error(rev.error.message);
    const reviewer = { session: (rev.value as { token: string }).token };
    expect(await dispatch(handlers, 'audit:verify', {}, reviewer)).toMatchObject({ ok: true });
    const wrongRole = await dispatch(handlers, 'people:list', {}, reviewer);
    expect(wrongRole).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(wrongRole.ok ? '' : wrongRole.error.message).toMatch(/logged in as reviewer/);

    const adm = await dispatch(handlers, 'auth:login', {
      role: 'admin',
      passphrase: 'admin passphrase 1',
    });
    if (!adm.ok) throw new Error(adm.error.message);
    const admin = { session: (adm.value as { token: string }).token };
    expect(await dispatch(handlers, 'people:list', {}, admin)).toMatchObject({ ok: true });
    expect(await dispatch(handlers, 'audit:recent', { limit: 5 }, admin)).toMatchObject({
      ok: true,
    });
    // The terminal never needs a login.
    expect(await dispatch(handlers, 'door:status', {})).toMatchObject({ ok: true });

    expect(await dispatch(handlers, 'auth:logout', {}, admin)).toMatchObject({
      ok: true,
      value: { loggedOut: true },
    });
    expect(await dispatch(handlers, 'people:list', {}, admin)).toMatchObject({ ok: false });

    const logins = station.auditAdmin
      .recent(20)
      .filter((e) => e.kind === 'login')
      .map((e) => station.review.detail(e.id).facts)
      .reverse();
    expect(logins).toEqual([
      { role: 'admin', ok: false, reason: 'wrong-passphrase' },
      { role: 'reviewer', ok: true, reason: null },
      { role: 'admin', ok: true, reason: null },
      { role: 'admin', ok: true, reason: 'logout' },
    ]);
    expect(JSON.stringify(station.auditAdmin.recent(50))).not.toContain('passphrase 1');
    expect(station.auditAdmin.verifyChain()).toMatchObject({ ok: true });
  });

  it('maps every operator channel to a role and leaves the terminal open', () => {
    expect(CHANNEL_ROLES['enroll:create']).toEqual(['admin']);
    expect(CHANNEL_ROLES['people:erase']).toEqual(['admin']);
    expect(CHANNEL_ROLES['audit:export']).toEqual(['reviewer', 'admin']);
    for (const c of ['access:frame', 'camera:report', 'door:status', 'auth:login'] as const)
      expect(CHANNEL_ROLES[c]).toEqual([]);
  });
});
