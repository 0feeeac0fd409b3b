import { describe, expect, it } from 'vitest';
import { API_METHODS, type Channel } from '../shared/contract';
import { createBridgeApi } from './bridge-api';

describe('createBridgeApi', () => {
  it('exposes exactly the contract methods, frozen, and nothing like ipcRenderer or invoke', () => {
    const api = createBridgeApi(() => Promise.resolve(undefined));
    expect(Object.keys(api).sort()).toEqual(Object.keys(API_METHODS).sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('send');
  });

  it('binds each method to its own channel and passes the request through', async () => {
    const calls: Array<[Channel, unknown]> = [];
    const api = createBridgeApi((channel, request) => {
      calls.push([channel, request]);
      return Promise.resolve({ ok: true, value: channel });
    });
    await expect(api.recentAudit({ limit: 5 })).resolves.toEqual({
      ok: true,
      value: 'audit:recent',
    });
    await api.status({});
    await api.detectorModel({ variant: 'short_range' });
    expect(calls).toEqual([
      ['audit:recent', { limit: 5 }],
      ['station:status', {}],
      ['models:detector', { variant: 'short_range' }],
    ]);
  });

  it('covers every method with the matching channel', async () => {
    const seen: Channel[] = [];
    const api = createBridgeApi((channel) => {
      seen.push(channel);
      return Promise.resolve(null);
    });
    for (const method of Object.keys(API_METHODS) as Array<keyof typeof API_METHODS>) {
      await (api[method] as (r: unknown) => Promise<unknown>)({});
    }
    expect(seen).toEqual(Object.values(API_METHODS));
  });

  it('keeps the login token inside and sends it with every later call until logout', async () => {
    const sessions: Array<[Channel, string | null]> = [];
    const token = 'a'.repeat(64);
    const api = createBridgeApi((channel, _request, session) => {
      sessions.push([channel, session]);
      if (channel === 'auth:login')
        return Promise.resolve({ ok: true, value: { token, role: 'admin', idleTimeoutMs: 1 } });
      return Promise.resolve({ ok: true, value: {} });
    });
    await api.listPeople({});
    await api.login({ role: 'admin', passphrase: 'long enough passphrase' });
    await api.listPeople({});
    await api.logout({});
    await api.listPeople({});
    expect(sessions).toEqual([
      ['people:list', null],
      ['auth:login', null],
      ['people:list', token],
      ['auth:logout', token],
      ['people:list', null],
    ]);
  });
});
