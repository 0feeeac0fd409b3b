import { copyFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteMembershipHandlers } from '../../src/main/composition/site-membership-handlers';
import { ANONYMOUS, cliCaller, dispatch } from '../../src/main/core/ipc/dispatch';
import { StationError } from '../../src/shared/errors';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { stubHandlers } from '../support/stub-handlers';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir('station-cli-dispatch-');
const dataDir = join(tmp.dir, 'data');
const station = stationCli(dataDir);
const photo = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
const BIN = resolve(__dirname, '../../bin/station.cjs');

afterAll(() => tmp.cleanup());

/** The CLI with STATION_ROLE set in its environment (the runner passes arguments only). */
function withRoleEnv(role: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, STATION_ROLE: role },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const names = () =>
  (station('people', 'list', '--json').json as { people: { name: string }[] }).people.map(
    (p) => p.name,
  );

describe('the CLI goes through the shared dispatch (roles, zod, error envelope)', () => {
  let amyId = '';
  beforeAll(() => {
    const r = station('enroll', '--name', 'Amy', '--consent', photo('amy', 1), '--json');
    expect(r.code).toBe(0);
    amyId = (r.json as { person: { id: string } }).person.id;
  }, 300_000);

  it('a reviewer-role CLI cannot erase people: UNAUTHORIZED envelope, exit 3, nothing erased', () => {
    const r = station('--as', 'reviewer', 'people', 'erase', amyId, '--json');
    expect(r.code).toBe(3);
    const { error } = r.json as { error: { code: string; message: string } };
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/^people:find: the CLI acts as reviewer here; this needs admin/);
    expect(r.stderr).toMatch(/needs admin \(--as, STATION_ROLE\) \[UNAUTHORIZED\]/);
    const byEnv = withRoleEnv('reviewer', 'people', 'erase', 'Amy');
    expect(byEnv.code).toBe(3);
    expect(byEnv.stderr).toMatch(/\[UNAUTHORIZED\]/);
    const cues = join(tmp.dir, 'cues.json');
    writeFileSync(cues, JSON.stringify({ terminal: { sound: true } }));
    for (const admin of [
      ['door', 'set', '--file', cues],
      ['gallery', 'rebuild'],
    ])
      expect(station('--as', 'reviewer', ...admin).code, admin.join(' ')).toBe(3);
    // What acts outside dispatch (a model switch before the station opens) is gated too.
    const model = station('--as', 'reviewer', 'model', 'use', 'builtin');
    expect(model.code).toBe(3);
    expect(model.stderr).toMatch(/^station: model: the CLI acts as reviewer here/);
    expect(names()).toEqual(['Amy']);
  }, 300_000);

  it("the reviewer role keeps the reviewer's operations; an unknown role is a usage error", () => {
    const verify = withRoleEnv('reviewer', 'audit', 'verify', '--json');
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, rows: 1 });
    const boss = station('--as', 'boss', 'people', 'list');
    expect(boss.code).toBe(2);
    expect(boss.stderr).toMatch(/--as must be admin or reviewer, not "boss"/);
  }, 300_000);

  it('a bad argument is refused by the shared zod schema with the same message as the page gets', async () => {
    // A photo path with a line break: the CLI reads it, the contract refuses it as plain text.
    const forged = join(tmp.dir, 'amy\n2.png');
    copyFileSync(photo('amy', 2), forged);
    const r = station('enroll', '--add-to', 'Amy', '--consent', forged, '--json');
    expect(r.code).toBe(2);
    const cliError = (r.json as { error: { code: string; message: string } }).error;
    expect(cliError.code).toBe('BAD_REQUEST');
    // The same payload from the page's side of dispatch (the IPC and HTTP hosts call it so).
    const page = await dispatch(
      stubHandlers({}),
      'enroll:create',
      { name: 'Amy', consent: true, images: [{ fileName: forged, base64: 'AAAA' }] },
      ANONYMOUS,
    );
    expect(page).toEqual({ ok: false, error: cliError });
    expect(cliError.message).toBe(
      'Invalid enroll:create request at images.0.fileName: contains a control character ' +
        '(U+000A); only plain text is accepted',
    );
    expect(names()).toEqual(['Amy']);
  }, 300_000);

  it('the page hosts do not serve the CLI channels; the CLI caller reaches them', async () => {
    const handlers = stubHandlers({
      'audit:purge': () => Promise.reject(new StationError('INTERNAL', 'reached')),
    });
    await expect(dispatch(handlers, 'audit:purge', {}, ANONYMOUS)).resolves.toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Unknown channel: audit:purge' },
    });
    const asCli = await dispatch(handlers, 'audit:purge', {}, cliCaller('admin'));
    expect(asCli).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const asReviewer = await dispatch(handlers, 'audit:purge', {}, cliCaller('reviewer'));
    expect(asReviewer).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('the site membership channels are served without a station, to the CLI caller only', async () => {
    let opened = 0;
    const membership = createSiteMembershipHandlers(join(tmp.dir, 'no-station'), () => {
      opened += 1;
      return Promise.reject(new StationError('INTERNAL', 'opened'));
    });
    await expect(dispatch(membership, 'site:leave', {}, ANONYMOUS)).resolves.toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Unknown channel: site:leave' },
    });
    const asReviewer = await dispatch(membership, 'site:leave', {}, cliCaller('reviewer'));
    expect(asReviewer).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const pair = { adminUrl: 'http://db/site', label: 'Door 2', doorId: 'door-2' };
    await expect(dispatch(membership, 'site:pair', pair, cliCaller('admin'))).resolves.toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'Invalid site:pair request at adminUrl: a postgres:// URL',
      },
    });
    // A set without the channel answers it as unknown (here: a station channel).
    await expect(dispatch(membership, 'people:list', {}, cliCaller('admin'))).resolves.toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Unknown channel: people:list' },
    });
    expect(opened).toBe(0);
  });
});
