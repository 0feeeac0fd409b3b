import { AuditLog } from '../core/audit/audit-log';
import type { AuditMac } from '../core/audit/audit-mac';
import type { AuditHeadRow } from '../core/ports/audit-store';
import { AuditLogRepository } from '../db/audit-log.repository';
import type { Db } from '../db/sqlite';

/** The audit log of one database: core's MAC chain over the db's row store. */
export function auditLogOver(
  db: Db,
  mac: AuditMac,
  onCommitted?: (head: AuditHeadRow) => void,
): AuditLog {
  return new AuditLog(new AuditLogRepository(db), mac, onCommitted);
}
