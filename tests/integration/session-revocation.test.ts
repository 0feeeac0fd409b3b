import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationCli } from '../support/station-cli-runner';
import { postApi, startHttpStation, type HttpStation } from '../support/station-http';
import { makeTempDir } from '../support/temp-dir';

/**
 * Item 6 of issue 13: `station operator passphrase` said it ended the role's sessions, but a
 * browser-mode host running at the same time kept every session it had: they lived in its
 * memory only. A passphrase changed or cleared from the CLI (another process) must end them.
 * Real CLI child processes against a real station behind the real loopback host.
 */
const tmp = makeTempDir('station-session-revocation-');
const dataDir = join(tmp.dir, 'data');
const cli = stationCli(dataDir);
let s: HttpStation;

function passphrase(role: string, text: string | null): void {
  const args = ['operator', 'passphrase', '--role', role];
  if (text === null) args.push('--clear');
  else {
    const file = join(tmp.dir, `${role}.pass`);
    writeFileSync(file, `${text}\n`, { mode: 0o600 });
    args.push('--passphrase-file', file);
  }
  const r = cli(...args);
  expect(r.code, r.stderr).toBe(0);
}

async function login(role: string, text: string): Promise<string> {
  const r = await postApi(s.host, 'auth:login', { role, passphrase: text });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.value as { token: string }).token;
}

const peopleList = (token: string) => postApi(s.host, 'people:list', {}, token);

beforeAll(async () => {
  passphrase('admin', 'first admin passphrase');
  s = await startHttpStation(dataDir);
}, 300_000);
afterAll(async () => {
  await s.close();
  tmp.cleanup();
});

describe('a passphrase changed in another process ends the sessions of a running host', () => {
  it('changed with the CLI: the old session is refused at its next request', async () => {
    const token = await login('admin', 'first admin passphrase');
    expect((await peopleList(token)).body.ok).toBe(true);
    passphrase('admin', 'second admin passphrase');
    const after = await peopleList(token);
    expect(after.body.ok).toBe(false);
    expect(after.body.error?.code).toBe('UNAUTHORIZED');
    expect(after.body.error?.message).toMatch(/session has ended/);
    expect((await peopleList(await login('admin', 'second admin passphrase'))).body.ok).toBe(true);
  });

  it('cleared and set again with the CLI: a session from before the clear stays ended', async () => {
    const token = await login('admin', 'second admin passphrase');
    passphrase('admin', null);
    // Cleared: the role is open to anyone at the station (as the CLI says), session or not.
    expect((await postApi(s.host, 'people:list', {})).body.ok).toBe(true);
    passphrase('admin', 'third admin passphrase');
    const after = await peopleList(token);
    expect(after.body.error?.code).toBe('UNAUTHORIZED');
  });

  it('another role is not affected', async () => {
    passphrase('reviewer', 'the reviewer passphrase');
    const reviewer = await login('reviewer', 'the reviewer passphrase');
    passphrase('admin', 'fourth admin passphrase');
    expect((await postApi(s.host, 'audit:verify', {}, reviewer)).body.ok).toBe(true);
  });
});
