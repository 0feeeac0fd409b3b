import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { channels, type Channel } from '../../src/shared/contract';
import type { ChannelEntry } from '../../src/shared/channels/channel-entry';

/** Where the zod-free copy of the contract's tables lives (the preload and renderer read it). */
export const CHANNEL_TABLE_FILE = resolve(__dirname, '../../src/shared/channel-table.generated.ts');

/** The table's source text, formatted as the repository's prettier config formats it. */
export async function renderChannelTable(): Promise<string> {
  const names = Object.keys(channels) as Channel[];
  const entry = (c: Channel): ChannelEntry => channels[c];
  const methods = names.flatMap((c) => {
    const m = entry(c).method;
    return m === undefined ? [] : [`  ${m}: '${c}',`];
  });
  const roles = names.map(
    (c) =>
      `  '${c}': [${entry(c)
        .roles.map((r) => `'${r}'`)
        .join(', ')}],`,
  );
  const text = [
    '// Generated from src/shared/contract.ts by `npx tsx scripts/contract/channel-table.ts`;',
    '// do not edit. A zod-free copy of the contract tables for the sandboxed preload and the',
    '// renderer; typecheck (contract.ts) and tests/unit/channel-table.test.ts catch a stale copy.',
    '',
    `export const CHANNEL_NAMES = [${names.map((c) => `'${c}'`).join(', ')}] as const;`,
    '',
    '/** Named methods the preload (and the browser-mode client) expose; each wraps one channel. */',
    'export const API_METHODS = {',
    ...methods,
    '} as const;',
    '',
    '/** Which roles may call each channel (dispatch enforces it; empty = the door terminal). */',
    'export const CHANNEL_ROLES: Readonly<',
    "  Record<(typeof CHANNEL_NAMES)[number], readonly ('admin' | 'reviewer')[]>",
    '> = {',
    ...roles,
    '};',
    '',
  ].join('\n');
  const options = (await resolveConfig(CHANNEL_TABLE_FILE)) ?? {};
  return format(text, { ...options, filepath: CHANNEL_TABLE_FILE });
}

export function readChannelTable(): string {
  return readFileSync(CHANNEL_TABLE_FILE, 'utf8');
}

if (require.main === module) {
  void renderChannelTable().then((text) => {
    writeFileSync(CHANNEL_TABLE_FILE, text);
    console.log(`wrote ${CHANNEL_TABLE_FILE}`);
  });
}
