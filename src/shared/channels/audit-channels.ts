import { z } from 'zod';
import { auditLogFilterSchema, reviewContract } from '../audit-contract';
import {
  AUDIT_PAGE,
  type AttendanceReport,
  type AuditChainReportView,
  type AuditCsvChunk,
  type AuditDoorList,
  type AuditEventDetail,
  type AuditLivePage,
  type AuditPage,
} from '../audit-review';
import type { AuditLogPage } from '../cli-reports';
import type { AuditEventView } from '../domain';
import { defineChannels, returns } from './channel-entry';

const REVIEW = ['reviewer', 'admin'] as const;

/** The reviewer's log (the admin may read it too). */
export const auditChannels = defineChannels({
  'audit:recent': {
    request: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    response: returns<{ events: AuditEventView[] }>(),
    roles: REVIEW,
    method: 'recentAudit',
  },
  'audit:query': {
    request: reviewContract['audit:query'],
    response: returns<AuditPage>(),
    roles: REVIEW,
    method: 'queryAudit',
  },
  'audit:export': {
    request: reviewContract['audit:export'],
    response: returns<AuditCsvChunk>(),
    roles: REVIEW,
    method: 'exportAudit',
  },
  'audit:detail': {
    request: reviewContract['audit:detail'],
    response: returns<AuditEventDetail>(),
    roles: REVIEW,
    method: 'auditDetail',
  },
  'audit:verify': {
    request: reviewContract['audit:verify'],
    response: returns<AuditChainReportView>(),
    roles: REVIEW,
    method: 'verifyAudit',
  },
  'audit:doors': {
    request: reviewContract['audit:doors'],
    response: returns<AuditDoorList>(),
    roles: REVIEW,
    method: 'auditDoors',
  },
  'audit:since': {
    request: reviewContract['audit:since'],
    response: returns<AuditLivePage>(),
    roles: REVIEW,
    method: 'auditSince',
  },
  'audit:attendance': {
    request: reviewContract['audit:attendance'],
    response: returns<AttendanceReport>(),
    roles: REVIEW,
    method: 'auditAttendance',
  },
  /**
   * The log in log (chain) order, one page after `afterId`: the CLI's query and CSV export page
   * through it, so a large export never sits in memory. The CLI's only (no page method): the
   * page has its own paged search and export. Pseudonyms only, as the page's search without
   * reveal; `people` are those the caller's own person filter named.
   */
  'audit:log': {
    request: z
      .object({
        filter: auditLogFilterSchema,
        afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.number().int().min(1).max(AUDIT_PAGE.exportChunk).default(AUDIT_PAGE.exportChunk),
      })
      .strict(),
    response: returns<AuditLogPage>(),
    roles: REVIEW,
    method: undefined,
  },
});
