import { copyFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, cliCaller, dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { auditCommand } from '../../src/main/hosts/cli/audit-commands';
import { stationClient } from '../../src/main/hosts/cli/cli-client';
import { createOutput } from '../../src/main/hosts/cli/cli-output';
import { openStation } from '../../src/main/station-factory';
import { AUDIT_PAGE } from '../../src/shared/audit-review';
import type { Channel } from '../../src/shared/contract';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { stubHandlers } from '../support/stub-handlers';
import { makeTempDir } from '../support/temp-dir';

/**
 * The CLI commands that used to reach the station directly (audit query/export, access,
 * pad-eval, calibrate --pairs, model use) now go through dispatch like every other command:
 * refused by the channel's roles (exit 3), malformed arguments refused by its zod schema
 * (exit 2), and the reviewer's log read page by page in log order.
 */
const tmp = makeTempDir('station-cli-local-');
const dataDir = join(tmp.dir, 'data');
const station = stationCli(dataDir);
const BIN = resolve(__dirname, '../../bin/station.cjs');
const photo = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
const clip = sharedDataPath('spoof', 'videos', 'apfol_real.webm');

afterAll(() => tmp.cleanup());

function withRoleEnv(role: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    // A whole export is several MB (the default buffer is 1 MB).
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, STATION_ROLE: role },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type ErrorJson = { error: { code: string; message: string } };
const errorOf = (r: { json: unknown }) => (r.json as ErrorJson).error;

/** A pairs CSV of two of Amy's photos, paths relative to it. */
function pairsCsv(name: string, img1: string, img2: string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, `img1,img2,same\n${img1},${img2},1\n`);
  return file;
}

describe('the converted CLI commands go through the shared dispatch', () => {
  let labels = '';
  let pairs = '';
  beforeAll(() => {
    const r = station('enroll', '--name', 'Amy', '--consent', photo('amy', 1), '--json');
    expect(r.code, r.stderr).toBe(0);
    copyFileSync(photo('amy', 2), join(tmp.dir, 'amy2.png'));
    copyFileSync(photo('amy', 3), join(tmp.dir, 'amy3.png'));
    labels = join(tmp.dir, 'labels.csv');
    writeFileSync(labels, 'file,label,species\namy2.png,live,none\n');
    pairs = pairsCsv('pairs.csv', 'amy2.png', 'amy3.png');
  }, 300_000);

  it("a reviewer is refused the admin's commands by their channels' roles: exit 3, nothing done", () => {
    const refusals: [string[], Channel][] = [
      [['access', clip], 'access:replay'],
      [['pad-eval', '--labels', labels], 'liveness:pad-eval'],
      [['calibrate', '--pairs', pairs], 'recognition:embed'],
    ];
    for (const [args, channel] of refusals) {
      const r = station('--as', 'reviewer', ...args, '--json');
      expect(r.code, args.join(' ')).toBe(3);
      expect(errorOf(r).code).toBe('UNAUTHORIZED');
      expect(errorOf(r).message).toMatch(
        new RegExp(`^${channel}: the CLI acts as reviewer here; this needs admin`),
      );
    }
    // The same through STATION_ROLE; a model switch (made before the station opens) is gated
    // by its audit channel's entry in the same role table, and changes nothing.
    const access = withRoleEnv('reviewer', 'access', clip);
    expect(access.code).toBe(3);
    expect(access.stderr).toMatch(/^station: access:replay: .*\[UNAUTHORIZED\]/);
    const model = withRoleEnv('reviewer', 'model', 'use', 'builtin');
    expect(model.code).toBe(3);
    expect(model.stderr).toMatch(
      /^station: model: the CLI acts as reviewer here; this needs admin/,
    );
    const log = station('audit', 'query', '--person', 'Amy', '--json');
    const kinds = (log.json as { events: { kind: string }[] }).events.map((e) => e.kind);
    // Amy's enrolment only: no replay decision, no model switch was audited.
    expect(kinds).toEqual(['enrolment']);
  }, 600_000);

  it('a malformed argument is refused by the channel schema (exit 2, BAD_REQUEST)', () => {
    const refused: [string[], RegExp][] = [
      [
        ['audit', 'query', '--door', 'front', '--from', '2026-02-01', '--to', '2026-01-01'],
        /^Invalid audit:log request at filter\.to: "from" must be earlier than "to"$/,
      ],
      [
        ['access', join(tmp.dir, 'clip\n.webm')],
        /^Invalid access:replay request at video: contains a control character \(U\+000A\)/,
      ],
      [
        ['pad-eval', '--labels', join(tmp.dir, 'labels\n.csv')],
        /^Invalid liveness:pad-eval request at labels: contains a control character/,
      ],
    ];
    for (const [args, message] of refused) {
      const r = station(...args, '--json');
      expect(r.code, args.join(' ')).toBe(2);
      expect(errorOf(r).code).toBe('BAD_REQUEST');
      expect(errorOf(r).message).toMatch(message);
    }
    // calibrate --pairs: an image its schema refuses (an empty file) is one image skipped
    // with the contract's reason, as an unreadable one is; the run goes on.
    writeFileSync(join(tmp.dir, 'empty.png'), '');
    const withEmpty = join(tmp.dir, 'with-empty.csv');
    writeFileSync(
      withEmpty,
      `img1,img2,same\namy2.png,amy3.png,1\namy2.png,sheldon.png,0\namy2.png,empty.png,1\n`,
    );
    copyFileSync(
      sharedDataPath('small_identity_sets', 'faceapi_bbt', 'sheldon', 'sheldon1.png'),
      join(tmp.dir, 'sheldon.png'),
    );
    const run = station('calibrate', '--pairs', withEmpty, '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = run.json as {
      pairs: { genuine: number; impostor: number; skipped: number };
      skippedImages: { image: string; reason: string }[];
    };
    expect(out.pairs).toEqual({ genuine: 1, impostor: 1, skipped: 1 });
    expect(out.skippedImages.map((i) => i.image)).toEqual([join(tmp.dir, 'empty.png')]);
    expect(out.skippedImages[0]?.reason).toMatch(
      /^BAD_REQUEST: Invalid recognition:embed request at image\.base64: /,
    );
  }, 600_000);

  it('the page hosts do not serve the new CLI channels; a bad audit switch record is refused', async () => {
    const handlers = stubHandlers({});
    for (const channel of [
      'audit:log',
      'access:replay',
      'liveness:pad-eval',
      'recognition:embed',
      'model:record-switch',
    ] as const) {
      await expect(dispatch(handlers, channel, {}, ANONYMOUS)).resolves.toEqual({
        ok: false,
        error: { code: 'BAD_REQUEST', message: `Unknown channel: ${channel}` },
      });
    }
    const record = await dispatch(
      handlers,
      'model:record-switch',
      { previousSpace: '' },
      cliCaller('admin'),
    );
    expect(record).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await dispatch(
        handlers,
        'model:record-switch',
        { previousSpace: 'x' },
        cliCaller('reviewer'),
      ),
    ).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});

describe("the reviewer's audit query and export page through audit:log", () => {
  let opened: Station | undefined;
  afterAll(() => opened?.close());

  it('a reviewer queries and exports; an export of more rows than a page is whole and in log order', async () => {
    // More rows than one page: model-switch records (settings rows) through the contract.
    opened = await openStation({ dataDir, mode: 'cli' });
    const admin = stationClient(opened, 'admin');
    const before = (await admin.call('audit:verify', {})).rows;
    for (let i = before; i <= AUDIT_PAGE.exportChunk + 10; i++)
      await admin.call('model:record-switch', { previousSpace: `space-${i}` });
    const rows = (await admin.call('audit:verify', {})).rows;
    expect(rows).toBeGreaterThan(AUDIT_PAGE.exportChunk);
    let csv = '';
    const code = await auditCommand(
      stationClient(opened, 'reviewer'),
      createOutput(false),
      ['export'],
      { csv: true },
      (chunk) => (csv += chunk),
    );
    // Handlers built without the CLI's media reader (the page's hosts) read no local file.
    const pageSide = createStationHandlers(opened);
    expect(await dispatch(pageSide, 'access:replay', { video: clip }, cliCaller('admin'))).toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'This host does not read files from the station disk.',
      },
    });
    opened.close();
    opened = undefined;
    expect(code).toBe(0);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,at,kind,/);
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
    // The binary as reviewer writes the same bytes; its query names the person it was asked for.
    const exported = withRoleEnv('reviewer', 'audit', 'export', '--csv');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(csv);
    const query = station('--as', 'reviewer', 'audit', 'query', '--person', 'Amy', '--json');
    expect(query.code, query.stderr).toBe(0);
    const found = query.json as { people: { name: string }[]; events: { kind: string }[] };
    expect(found.people.map((p) => p.name)).toEqual(['Amy']);
    expect(found.events.map((e) => e.kind)).toEqual(['enrolment']);
  }, 600_000);
});
