import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorAuthService } from '../../src/main/core/auth/operator-auth.service';
import { OperatorCredentials } from '../../src/main/core/auth/operator-credentials.repository';
import { dispatch, type Handlers } from '../../src/main/core/ipc/dispatch';
import { SettingsRepository } from '../../src/main/db/settings.repository';
import { API_METHODS, type Channel } from '../../src/shared/contract';
import { CHANNEL_ROLES } from '../../src/shared/operator-roles';
import { stubHandlers } from '../support/stub-handlers';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

/**
 * The calibration channels at the IPC boundary: admin only (refused to the reviewer and to
 * nobody once the admin has a passphrase), and every malformed payload a clear BAD_REQUEST
 * before any handler runs. Real operator auth over a real SQLite settings table.
 */

const ADMIN_PASS = 'calibration admin pass';
const REVIEWER_PASS = 'calibration reviewer pass';

const tmp = makeTempDir('calibration-contract-');
const db = openDatabase(join(tmp.dir, 'station.db'));
const auth = new OperatorAuthService({
  credentials: new OperatorCredentials(new SettingsRepository(db)),
  audit: { record: () => 0 },
  now: () => new Date(),
});
auth.setPassphrase('admin', ADMIN_PASS);
auth.setPassphrase('reviewer', REVIEWER_PASS);
const admin = auth.login('admin', ADMIN_PASS).token;
const reviewer = auth.login('reviewer', REVIEWER_PASS).token;

const seen: Array<[Channel, unknown]> = [];
const record =
  (channel: Channel) =>
  (req: unknown): Promise<never> => {
    seen.push([channel, req]);
    return Promise.resolve({} as never);
  };
const handlers: Handlers = {
  ...stubHandlers({
    'calibration:upload': record('calibration:upload'),
    'calibration:run': record('calibration:run'),
    'calibration:adopt': record('calibration:adopt'),
    'calibration:pad-run': record('calibration:pad-run'),
    'calibration:pad-adopt': record('calibration:pad-adopt'),
  }),
  authorize: (roles, session) => auth.authorize(roles, session),
};

afterAll(() => {
  db.close();
  tmp.cleanup();
});

async function call(channel: Channel, payload: unknown, session: string | null = admin) {
  seen.length = 0;
  return dispatch(handlers, channel, payload, { session });
}

/** The payload is refused at the boundary with a message naming the problem; no handler ran. */
async function rejects(channel: Channel, payload: unknown, message: RegExp): Promise<void> {
  const refusal = await call(channel, payload).then((r) => (r.ok ? null : r.error));
  expect(refusal?.code).toBe('BAD_REQUEST');
  expect(refusal?.message).toMatch(message);
  expect(seen).toHaveLength(0);
}

const photo = { identity: 'ada', fileName: 'a.jpg', base64: 'AAAA' };
const VALID: Record<
  | 'calibration:upload'
  | 'calibration:run'
  | 'calibration:adopt'
  | 'calibration:pad-run'
  | 'calibration:pad-adopt',
  unknown
> = {
  'calibration:upload': { uploadId: null, photos: [photo] },
  'calibration:run': { source: 'enrolled' },
  'calibration:adopt': { runId: 'r1', identify: 0.5, confirm: true },
  'calibration:pad-run': { targetBpcer: 0.1 },
  'calibration:pad-adopt': { runId: 'r1', confirm: true },
};

describe('calibration channels', () => {
  it('are admin-only named API methods', () => {
    const methods = Object.entries(API_METHODS).filter(([, c]) => c.startsWith('calibration:'));
    expect(Object.fromEntries(methods)).toEqual({
      uploadCalibrationPhotos: 'calibration:upload',
      runCalibration: 'calibration:run',
      adoptCalibration: 'calibration:adopt',
      runPadCalibration: 'calibration:pad-run',
      adoptPadCalibration: 'calibration:pad-adopt',
    });
    for (const [, channel] of methods) expect(CHANNEL_ROLES[channel]).toEqual(['admin']);
  });

  it('refuse the reviewer and a caller without a session, before looking at the payload', async () => {
    for (const [channel, payload] of Object.entries(VALID) as Array<[Channel, unknown]>) {
      for (const session of [reviewer, null, 'f'.repeat(64)]) {
        const r = await call(channel, payload, session);
        expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
        expect(seen).toEqual([]);
      }
      // Even a malformed payload gets UNAUTHORIZED, not a schema hint.
      expect(await call(channel, { junk: 1 }, reviewer)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
      expect(await call(channel, payload, admin)).toMatchObject({ ok: true });
    }
  });

  it('calibration:run takes a source and, for an upload, its id', async () => {
    await call('calibration:run', { source: 'upload', uploadId: 'u1' });
    expect(seen).toEqual([['calibration:run', { source: 'upload', uploadId: 'u1' }]]);
    await rejects('calibration:run', {}, /source/);
    await rejects('calibration:run', { source: 'pairs' }, /source/);
    await rejects('calibration:run', { source: 'upload' }, /uploadId/);
    await rejects('calibration:run', { source: 'enrolled', extra: true }, /Unrecognized/i);
  });

  it('calibration:upload needs labelled photos in small batches', async () => {
    await rejects('calibration:upload', { uploadId: null, photos: [] }, /photos/);
    await rejects('calibration:upload', { photos: [photo] }, /uploadId/);
    await rejects(
      'calibration:upload',
      { uploadId: null, photos: Array.from({ length: 11 }, () => photo) },
      /photos/,
    );
    await rejects(
      'calibration:upload',
      { uploadId: null, photos: [{ ...photo, identity: '   ' }] },
      /identity/,
    );
    await rejects(
      'calibration:upload',
      { uploadId: null, photos: [{ ...photo, base64: '' }] },
      /base64/,
    );
  });

  it('calibration:adopt needs a run, a threshold in 0..1 and confirm: true', async () => {
    await call('calibration:adopt', { runId: 'r1', verify: 0.4, targetFmr: 1e-3, confirm: true });
    expect(seen).toHaveLength(1);
    await rejects('calibration:adopt', { runId: 'r1', confirm: true }, /identify and\/or verify/);
    await rejects('calibration:adopt', { runId: 'r1', identify: 0.5 }, /confirm/);
    await rejects('calibration:adopt', { runId: 'r1', identify: 0.5, confirm: 'yes' }, /confirm/);
    await rejects('calibration:adopt', { runId: 'r1', identify: 1.5, confirm: true }, /identify/);
    await rejects('calibration:adopt', { runId: 'r1', identify: -0.1, confirm: true }, /identify/);
    await rejects('calibration:pad-run', { targetBpcer: 0.15 }, /targetBpcer must be one of/);
    await rejects('calibration:pad-run', { targetBpcer: 0.1, camera: '' }, /camera/);
    await rejects('calibration:pad-adopt', { runId: 'r1' }, /confirm/);
    await rejects('calibration:adopt', { runId: 'r1', verify: 'NaN', confirm: true }, /verify/);
    await rejects(
      'calibration:adopt',
      { runId: 'r1', identify: 0.5, targetFmr: 0, confirm: true },
      /targetFmr/,
    );
    await rejects('calibration:adopt', { identify: 0.5, confirm: true }, /runId/);
  });
});
