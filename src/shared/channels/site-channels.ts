import {
  siteContract,
  type SiteAuditLogPage,
  type SiteAuditPage,
  type SiteChainReportView,
  type SiteOverview,
  type SiteStatusView,
} from '../site-contract';
import type { SiteSyncReport } from '../site-admin-contract';
import { defineChannels, returns } from './channel-entry';

/**
 * The site this station belongs to: its state and stations are the admin's and the
 * reviewer's (who reads its log); the site-wide log is the reviewer's, as this station's own.
 */
export const siteChannels = defineChannels({
  'site:status': {
    request: siteContract['site:status'],
    response: returns<SiteStatusView>(),
    roles: ['admin', 'reviewer'],
    method: 'siteStatus',
  },
  'site:overview': {
    request: siteContract['site:overview'],
    response: returns<SiteOverview>(),
    roles: ['admin', 'reviewer'],
    method: 'siteOverview',
  },
  'site:sync': {
    request: siteContract['site:sync'],
    // The status after it, and what it pushed, pulled and verified (the CLI prints that).
    response: returns<SiteStatusView & { report: SiteSyncReport }>(),
    roles: ['admin'],
    method: 'syncSite',
  },
  'site:audit-query': {
    request: siteContract['site:audit-query'],
    response: returns<SiteAuditPage>(),
    roles: ['reviewer', 'admin'],
    method: 'querySiteAudit',
  },
  'site:audit-verify': {
    request: siteContract['site:audit-verify'],
    response: returns<SiteChainReportView>(),
    roles: ['reviewer', 'admin'],
    method: 'verifySiteAudit',
  },
  /** CLI-only: the site's log in log order, for `station audit query|export --site`. */
  'site:audit-log': {
    request: siteContract['site:audit-log'],
    response: returns<SiteAuditLogPage>(),
    roles: ['reviewer', 'admin'],
    method: undefined,
  },
});
