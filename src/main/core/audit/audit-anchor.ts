import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-file';
import {
  macEquals,
  type AuditAnchorFields,
  type AuditGenesisFields,
  type AuditHeadFields,
  type AuditMac,
} from './audit-mac';

export interface AnchorRecord extends AuditAnchorFields {
  mac: string;
}

/** What is on disk: a record whose MAC verifies, nothing, or something that does not verify. */
export type AnchorFileState = AnchorRecord | 'missing' | 'invalid';

/**
 * The audit chain's anchor outside the database (`keys/audit-anchor.json`), so deleted or
 * rolled-back rows leave a log shorter than its anchor. Written after each committed append, never
 * over a record further ahead: a disagreeing anchor is evidence. It cannot catch the database and
 * this file replaced together (docs/SECURITY.md).
 */
export class AuditAnchorFile {
  constructor(
    readonly path: string,
    private readonly mac: AuditMac,
  ) {}

  read(): AnchorFileState {
    if (!existsSync(this.path)) return 'missing';
    try {
      const r = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<AnchorRecord>;
      if (
        typeof r.genesis !== 'string' ||
        typeof r.rows !== 'number' ||
        typeof r.last_id !== 'number' ||
        typeof r.last_mac !== 'string' ||
        typeof r.mac !== 'string'
      )
        return 'invalid';
      const fields = { genesis: r.genesis, rows: r.rows, last_id: r.last_id, last_mac: r.last_mac };
      return macEquals(r.mac, this.mac.anchor(fields)) ? { ...fields, mac: r.mac } : 'invalid';
    } catch {
      return 'invalid';
    }
  }

  write(genesis: string, head: Pick<AuditHeadFields, 'rows' | 'last_id' | 'last_mac'>): void {
    const fields = { genesis, rows: head.rows, last_id: head.last_id, last_mac: head.last_mac };
    writeFileAtomic(this.path, JSON.stringify({ ...fields, mac: this.mac.anchor(fields) }));
  }

  /**
   * Moves the anchor to `head` when the file is this log's, not ahead of it, and the row it
   * vouches for is still the one in the log (`stillThere`): a log cut short and then grown
   * again past the anchor must not erase the evidence.
   */
  advance(
    genesis: string,
    head: AuditHeadFields,
    stillThere: (id: number, mac: string) => boolean,
  ): void {
    const current = this.read();
    if (typeof current === 'string' || current.genesis !== genesis) return;
    if (current.rows >= head.rows) return;
    if (current.last_id > 0 && !stillThere(current.last_id, current.last_mac)) return;
    this.write(genesis, head);
  }
}

/**
 * The callback AuditLogRepository runs after each committed append: moves the anchor, for the
 * log whose genesis record verifies (read once). A failed write leaves the anchor behind, which
 * is still a sound lower bound: logged, never a failure of the append that already committed.
 */
export function anchorAdvancer(
  file: AuditAnchorFile,
  mac: AuditMac,
  log: {
    genesis(): (AuditGenesisFields & { mac: string }) | undefined;
    rowMac(id: number): string | null | undefined;
    /** Rows up to this id were removed by a retention purge. */
    purgedUpTo(): number;
  },
): (head: AuditHeadFields) => void {
  let genesis: string | null | undefined;
  const stillThere = (id: number, rowMac: string) =>
    id <= log.purgedUpTo() || log.rowMac(id) === rowMac;
  return (head) => {
    if (genesis === undefined) {
      const g = log.genesis();
      genesis = g && macEquals(g.mac, mac.genesis(g)) ? g.genesis : null;
    }
    if (genesis === null) return;
    try {
      file.advance(genesis, head, stillThere);
    } catch (err) {
      console.error('[audit] the anchor file could not be written:', err);
    }
  };
}
