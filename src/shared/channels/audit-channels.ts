import { z } from 'zod';
import { reviewContract } from '../audit-contract';
import type {
  AttendanceReport,
  AuditChainReportView,
  AuditCsvChunk,
  AuditDoorList,
  AuditEventDetail,
  AuditLivePage,
  AuditPage,
} from '../audit-review';
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
});
