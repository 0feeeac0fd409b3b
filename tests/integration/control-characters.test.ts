import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { postApi, startHttpStation, type HttpStation } from '../support/station-http';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir('station-control-chars-');
afterAll(() => tmp.cleanup());
const photo = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** Clears the screen, returns to the line start and forges a second `people list` line. */
const FORGED = 'Eve\x1b[2J\r\n00000000-0000-0000-0000-000000000000  Administrator  (9 templates)';
/** Right-to-left override: renders as "Alice" read backwards. */
const BIDI = 'Bob \u202eecilA';

describe('control characters are refused at the boundary (CLI, HTTP)', () => {
  const dataDir = join(tmp.dir, 'cli');
  const station = stationCli(dataDir);

  it('CLI: a name with ESC / CR / LF is a usage error and nothing is stored', () => {
    const r = station('enroll', '--name', FORGED, '--consent', photo('amy', 1));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--name contains a control character \(U\+001B\)/);
    expect(station('people', 'list', '--json').json).toEqual({ people: [] });
  });

  it('CLI: a door label with a control character is refused by `door set`', () => {
    const file = join(tmp.dir, 'door.json');
    writeFileSync(file, JSON.stringify({ identity: { id: 'front', label: 'Front\rBack' } }));
    const r = station('door', 'set', '--file', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/control character \(U\+000D\)/);
    expect(station('door', 'show').stdout).not.toMatch(/Front/);
  });

  it('CLI: names stored before this check are printed escaped, one line per person', () => {
    // As an older station (or someone editing the file) left them.
    const db = new Database(dataPaths(dataDir).database);
    const add = db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)');
    add.run('p-forged', FORGED, '2026-01-01T00:00:00Z');
    add.run('p-bidi', BIDI, '2026-01-01T00:00:00Z');
    db.close();
    const r = station('people', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const raw of ['\x1b', '\r', '\u202e']) expect(r.stdout).not.toContain(raw);
    expect(r.stdout).toContain('Eve\\x1b[2J\\x0d\\x0a00000000');
    expect(r.stdout).toContain('Bob \\u202eecilA');
  });
});

describe('control characters over HTTP (real loopback host, real station)', () => {
  let s: HttpStation;
  beforeAll(async () => {
    s = await startHttpStation(join(tmp.dir, 'http'));
  }, 300_000);
  afterAll(async () => s.close());

  const image = () => ({
    fileName: 'amy1.png',
    base64: readFileSync(photo('amy', 1)).toString('base64'),
  });

  it('enroll:create with ESC, CR/LF or a bidi override in the name is BAD_REQUEST', async () => {
    for (const name of [FORGED, BIDI, 'Tab\there']) {
      const r = await postApi(s.host, 'enroll:create', { name, consent: true, images: [image()] });
      expect(r.status, name).toBe(400);
      expect(r.body.error?.code).toBe('BAD_REQUEST');
      expect(r.body.error?.message).toMatch(/name: contains a control character/);
    }
    expect(s.station.directory.list()).toEqual([]);
  });

  it('the reviewer search and a file name with control characters are refused too', async () => {
    const query = await postApi(s.host, 'audit:query', { filter: { person: 'x\x1by' } });
    expect(query.body.error?.message).toMatch(/filter\.person: contains a control character/);
    const file = await postApi(s.host, 'enroll:create', {
      name: 'Amy',
      consent: true,
      images: [{ ...image(), fileName: 'amy\n1.png' }],
    });
    expect(file.body.error?.message).toMatch(/images\.0\.fileName: contains a control character/);
  });
});
