import {
  siteContract,
  type SiteAuditPage,
  type SiteChainReportView,
  type SiteOverview,
  type SiteStatusView,
} from '../site-contract';
import { defineChannels, returns } from './channel-entry';

/**
 * The site this station belongs to: its state is the admin's (and the reviewer's, who reads
 * its log); the site-wide log is the reviewer's, as this station's own.
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
    roles: ['admin'],
    method: 'siteOverview',
  },
  'site:sync': {
    request: siteContract['site:sync'],
    response: returns<SiteStatusView>(),
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
});
