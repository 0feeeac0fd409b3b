import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

describe('station door show | set (real CLI, real SQLite)', () => {
  const tmp = makeTempDir('station-door-cli-');
  const cli = stationCli(join(tmp.dir, 'data'));
  afterAll(() => tmp.cleanup());

  const file = (name: string, value: unknown): string => {
    const p = join(tmp.dir, name);
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  it('shows safe defaults: simulated lock, liveness required, one face at a time', () => {
    const r = cli('door', 'show', '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      identity: { id: 'door-1', label: 'Door 1' },
      door: { kind: 'simulated' },
      status: { state: 'locked' },
      policy: { requireLiveness: true, maxFaces: 1, allowedCameraLabels: [] },
      liveness: { windowFrames: expect.any(Number) as number },
      // The active challenge is on by default whenever passive evidence is not clearly live.
      challenge: { mode: 'when_uncertain', actions: 2, timeLimitMs: 8000 },
    });
  });

  it('changes rules and lock together, and audits each change', () => {
    const change = file('ok.json', {
      policy: { agreeFrames: 4, allowedCameraLabels: ['Lobby Cam (virtual)'] },
      door: {
        kind: 'webhook',
        url: 'http://127.0.0.1:9/door',
        timeoutMs: 500,
        attempts: 2,
        backoffMs: 50,
      },
    });
    const r = cli('door', 'set', '--file', change, '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      door: { kind: 'webhook', attempts: 2 },
      policy: { agreeFrames: 4, maxFaces: 1, allowedCameraLabels: ['Lobby Cam (virtual)'] },
    });
    const csv = cli('audit', 'export', '--csv');
    expect(csv.code).toBe(0);
    // Two settings rows: the policy and the lock controller, both filed under the door.
    const settings = csv.stdout.split('\r\n').filter((l) => l.includes(',settings,'));
    expect(settings).toHaveLength(2);
    expect(settings.every((l) => l.endsWith(',door-1'))).toBe(true);
  });

  it('names the door (validated, audited); later changes are filed under the new id', () => {
    const bad = cli(
      'door',
      'set',
      '--file',
      file('id-bad.json', { identity: { id: 'main door', label: 'Main' } }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/identity|door id/);
    const renamed = file('id.json', {
      identity: { id: 'lobby', label: 'Lobby entrance' },
      policy: { agreeFrames: 5 },
    });
    const r = cli('door', 'set', '--file', renamed, '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ identity: { id: 'lobby', label: 'Lobby entrance' } });
    expect(cli('door', 'show').stdout).toMatch(/^Door: Lobby entrance \(id lobby\)/);
    type Out = { events: { kind: string; door: string | null }[] };
    const lobby = cli('audit', 'query', '--door', 'lobby', '--json').json as Out;
    // The rename itself and the policy change that followed it in the same file.
    expect(lobby.events.map((e) => e.kind)).toEqual(['settings', 'settings']);
    const earlier = cli('audit', 'query', '--door', 'door-1', '--json').json as Out;
    expect(earlier.events).toHaveLength(2);
    const csv = cli('audit', 'export', '--csv', '--door', 'lobby').stdout;
    const lines = csv.split('\r\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/door_identity.*previousDoor.*door-1/);
  });

  it('refuses an invalid file with the field named, and changes nothing', () => {
    const before = cli('door', 'show', '--json').json;
    const bad = file('bad.json', {
      policy: { agreeFrames: 0 },
      door: { kind: 'simulated' },
    });
    const r = cli('door', 'set', '--file', bad, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/agreeFrames/);
    expect(cli('door', 'show', '--json').json).toEqual(before);
    const notJson = cli('door', 'set', '--file', file('x.json', '{nope'), '--json');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not a valid settings file/);
    const unknownSchedule = file('s.json', { policy: { personSchedules: { p1: 'night' } } });
    expect(cli('door', 'set', '--file', unknownSchedule).stderr).toMatch(
      /unknown schedule "night"/,
    );
  });

  it('changes the active challenge (merged, validated, audited); a bad value changes nothing', () => {
    const ok = cli(
      'door',
      'set',
      '--file',
      file('challenge.json', { challenge: { mode: 'always', timeLimitMs: 6000 } }),
      '--json',
    );
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({
      challenge: { mode: 'always', timeLimitMs: 6000, actions: 2, turnDeg: 20 },
    });
    const rows = cli('audit', 'export', '--csv').stdout.split('\r\n');
    expect(rows.filter((l) => l.includes('liveness_challenge'))).toHaveLength(1);
    const before = cli('door', 'show', '--json').json;
    for (const bad of [{ mode: 'never' }, { actions: 3 }, { allowed: ['turn_left'] }]) {
      const r = cli('door', 'set', '--file', file('bad-challenge.json', { challenge: bad }));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`challenge|${Object.keys(bad)[0]}`));
    }
    expect(cli('door', 'show', '--json').json).toEqual(before);
    expect(cli('door', 'show').stdout).toMatch(/Active challenge: always, 2 action\(s\)/);
  });
});
