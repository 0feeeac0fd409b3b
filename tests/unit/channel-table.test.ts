import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChannelTable, renderChannelTable } from '../../scripts/contract/channel-table';
import * as zodFree from '../../src/shared/api-methods';
import {
  API_METHODS,
  CHANNEL_ROLES,
  channels,
  contract,
  isPageChannel,
  type Channel,
} from '../../src/shared/contract';
import { CHANNEL_NAMES } from '../../src/shared/channel-table.generated';

const all = Object.keys(channels) as Channel[];

describe('the contract tables derived from the channel entries', () => {
  it('give every channel a schema and roles, and every page channel exactly one method', () => {
    expect(Object.keys(contract).sort()).toEqual([...all].sort());
    expect(Object.keys(CHANNEL_ROLES).sort()).toEqual([...all].sort());
    for (const c of all) expect(contract[c]).toBe(channels[c].request);
    const pageChannels = all.filter(isPageChannel);
    expect(Object.values(API_METHODS).sort()).toEqual([...pageChannels].sort());
    expect(new Set(Object.keys(API_METHODS)).size).toBe(pageChannels.length);
  });

  it("keep the CLI-only channels off the page and the admin's, but the reviewer's log", () => {
    const cliOnly = all.filter((c) => !isPageChannel(c));
    expect(cliOnly.sort()).toEqual([
      'access:replay',
      'audit:log',
      'audit:purge',
      'door:set',
      'door:settings',
      'gallery:rebuild',
      'gallery:stats',
      'liveness:pad-eval',
      'liveness:video',
      'model:record-switch',
      'model:show',
      'operator:passphrase',
      'people:find',
      'recognition:embed',
      'recognition:identify',
      'recognition:verify',
      'site:audit-log',
      'site:door-set',
      'site:group-delete',
      'site:group-set',
      'site:init',
      'site:join',
      'site:leave',
      'site:pair',
      'site:person-set',
      'site:revoke',
      'site:schedule-delete',
      'site:schedule-set',
    ]);
    // `station audit query|export [--site]` is the reviewer's, as the page's audit channels are;
    // a recording judged without any data folder has nothing of a station to guard.
    const notAdminOnly: Partial<Record<string, readonly string[]>> = {
      'audit:log': CHANNEL_ROLES['audit:query'],
      'site:audit-log': CHANNEL_ROLES['site:audit-query'],
      'liveness:video': ['admin', 'reviewer'],
    };
    for (const c of cliOnly) expect(CHANNEL_ROLES[c], c).toEqual(notAdminOnly[c] ?? ['admin']);
  });

  it('match the zod-free copy the preload and renderer import', async () => {
    // Regenerate with: npx tsx scripts/contract/channel-table.ts
    expect(readChannelTable()).toBe(await renderChannelTable());
    expect([...CHANNEL_NAMES]).toEqual(all);
    expect(zodFree.API_METHODS).toEqual(API_METHODS);
    expect(zodFree.CHANNEL_ROLES).toEqual(CHANNEL_ROLES);
  });

  it('keep zod out of the preload: its shared modules import no values from the contract', () => {
    for (const file of ['api-methods.ts', 'channel-table.generated.ts', 'bridge-keys.ts']) {
      const text = readFileSync(resolve(__dirname, '../../src/shared', file), 'utf8');
      expect(text).not.toMatch(/from 'zod'/);
      expect(text).not.toMatch(/^import \{[^}]*\} from '\.\/contract'/m);
      expect(text).not.toMatch(/^export \{[^}]*\} from '\.\/contract'/m);
    }
  });
});
