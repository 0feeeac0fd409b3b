import type { z } from 'zod';
import {
  siteAdminContract as c,
  type SiteJoinView,
  type SiteLeaveView,
  type SitePairingView,
} from '../site-admin-contract';
import { defineChannels, returns, type Returns } from './channel-entry';

/** A CLI-only admin channel (no page method): the site's admin tools. */
const adminTool = <S extends z.ZodType, R>(request: S, response: Returns<R>) => ({
  request,
  response,
  roles: ['admin'] as const,
  method: undefined,
});

/** A versioned write's answer: the record's version on the site now. */
const written = returns<{ version: number }>();

/**
 * The site's directory writes from the CLI: served by the open station, each on the version
 * it holds or `expectVersion`, so a stale edit is SITE_CONFLICT and changes nothing.
 */
export const siteEditChannels = defineChannels({
  'site:person-set': adminTool(c['site:person-set'], written),
  'site:schedule-set': adminTool(c['site:schedule-set'], written),
  'site:schedule-delete': adminTool(c['site:schedule-delete'], written),
  'site:group-set': adminTool(c['site:group-set'], written),
  'site:group-delete': adminTool(c['site:group-delete'], written),
  'site:door-set': adminTool(c['site:door-set'], returns<{ version: number; doorId: string }>()),
});

/**
 * Membership of the data folder (CLI only): they create, write or remove its site files, so
 * they are served before (init, join, pair, revoke) or around (leave) an open station by
 * composition/site-membership-handlers.ts, through the same dispatch, roles and envelope.
 */
export const siteMembershipChannels = defineChannels({
  'site:init': adminTool(c['site:init'], returns<SiteJoinView>()),
  'site:join': adminTool(c['site:join'], returns<SiteJoinView>()),
  'site:pair': adminTool(c['site:pair'], returns<SitePairingView>()),
  'site:revoke': adminTool(c['site:revoke'], returns<{ stationId: string; label: string }>()),
  'site:leave': adminTool(c['site:leave'], returns<SiteLeaveView>()),
});
