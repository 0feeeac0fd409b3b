import type Database from 'better-sqlite3';
import type { AuditChainFields, AuditHeadFields } from '../../core/ports/audit-store';

/** An audit row's chained fields and head, as the MAC covers them (one definition, in core). */
export type MigratedAuditRow = AuditChainFields;
export type MigratedAuditHead = AuditHeadFields;

/** The audit chain's MACs (core/audit/audit-mac.ts), for rows that predate the chain. */
export interface AuditChainSealer {
  row(r: MigratedAuditRow): string;
  head(h: MigratedAuditHead): string;
  genesis(g: { genesis: string; created_at: string }): string;
}

/** The template cipher (core/crypto/template-cipher.ts), for rows that predate encryption. */
export interface TemplateSealer {
  readonly format: string;
  readonly keyId: string;
  readonly checkValue: string;
  sealTemplate(
    vector: Float32Array,
    at: { templateId: number; personId: string; modelId: string; dim: number },
  ): Buffer;
}

/** The audit anchor file in keys/ (core/audit/audit-anchor.ts). */
export interface AuditAnchorWriter {
  /** The genesis a valid file already names, or null when there is none (or it is invalid). */
  existingGenesis(): string | null;
  write(genesis: string, head: MigratedAuditHead): void;
}

/**
 * What a migration may need beyond the database itself (built lazily, only if used). Built by
 * the composition root (composition/station-database.ts) from core's crypto: the migrations
 * themselves import nothing from core.
 */
export interface MigrationContext {
  /** The data folder's audit MAC (0020 chains audit rows that predate it). */
  auditMac(): AuditChainSealer;
  /** The template key's cipher (loaded, or created when none exists yet; 0040 seals rows). */
  templateSealer(): TemplateSealer;
  /** The audit anchor file (0180); null for a database with no data folder. */
  auditAnchor(): AuditAnchorWriter | null;
}

export interface Migration {
  /** Strictly increasing; the file is named after it (0010-init.ts). */
  version: number;
  name: string;
  /**
   * VACUUM and truncate the WAL once all migrations committed (outside their transactions):
   * for migrations that rewrite sensitive bytes, whose old copies would otherwise survive.
   */
  vacuumAfter?: boolean;
  up(db: Database.Database, ctx: MigrationContext): void;
}
