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
});
