import type { PersonRef, Thresholds } from '../../../shared/domain';
import type { ErasureOutcome } from '../../../shared/audit-review';
import { StationError } from '../../../shared/errors';
import type { PeopleStore, PersonLinkStore } from '../ports/people-store';
import type { CompactStorage, UnitOfWork } from '../ports/storage';
import type { TemplateStore } from '../ports/template-store';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { Gallery } from '../gallery/gallery.service';
import { zeroFileInPlace } from '../util/zero-file';
import { byteNeedles, filesUnder, findNeedlesInFile, vectorNeedles } from './file-byte-scan';

export interface ErasureDeps {
  unitOfWork: UnitOfWork;
  /** VACUUM + WAL truncation: erased bytes must not survive in free pages or the WAL. */
  compact: CompactStorage;
  people: PeopleStore;
  templates: TemplateStore;
  links: PersonLinkStore;
  gallery: Gallery;
  audit: AuditRecorder;
  thresholds: () => Thresholds;
  /** The data folder: afterwards, no file anywhere in it may hold the erased vectors. */
  dataDir: string;
  /** The index file, zeroed in place before it is rewritten. */
  galleryIndex: string;
  /** Removes temp files killed writers left (under the write lock); returns their paths. */
  removeStaleTemp: () => string[];
}

/**
 * GDPR Art. 17 erasure of one person in one transaction with its audit row, then index rebuild,
 * vacuum and WAL truncation, verified by search and by scanning file bytes for the erased vectors.
 */
export class ErasureService {
  constructor(private readonly d: ErasureDeps) {}

  erase(personId: string): ErasureOutcome {
    return this.eraseMany([personId], {})[0]!;
  }

  /**
   * Several people at once (a site's tombstones): one transaction, one index rewrite, one
   * compaction and one scan of each file, instead of a VACUUM per person. Each person gets
   * their own audit row (with `details` added) and report; PERSON_NOT_FOUND if any is unknown.
   */
  eraseMany(personIds: readonly string[], details: Record<string, unknown>): ErasureOutcome[] {
    if (personIds.length === 0) return [];
    const erased = this.d.unitOfWork.immediate(() =>
      personIds.map((id) => this.deleteRows(id, details)),
    );
    this.rewriteIndex(erased.flatMap((e) => e.templateIds));
    const compact = this.d.compact();
    // A leftover index temp file is a sealed copy of every vector, the erased ones included,
    // that no byte scan can see into: it goes before the files are checked.
    this.d.removeStaleTemp();
    const filesHolding = this.fileProblems(erased);
    return erased.map((e, i) => {
      const problems = [...this.searchProblems(e.vectors), ...(filesHolding[i] ?? [])];
      if (problems.length > 0 && !compact.walTruncated) {
        problems.push('the WAL could not be truncated (another process holds an old snapshot)');
      }
      return {
        erased: e.person,
        templates: e.sealed.length,
        verified: problems.length === 0,
        problems,
      };
    });
  }

  /**
   * The erasure row carries no subject: the person's subject would tie it to their earlier
   * rows (revealing which rows belonged to an erased person, and when), and after the link
   * secret is gone nobody could use it to find the erasure anyway. Details hold counts only.
   */
  private deleteRows(personId: string, extra: Record<string, unknown>): ErasedRows {
    const found = this.d.people.findById(personId);
    if (!found) throw new StationError('PERSON_NOT_FOUND', `No enrolled person has id ${personId}`);
    // Read inside the write transaction: the vectors checked later are exactly those deleted.
    const rows = this.d.templates.forPerson(personId);
    // A tampered row (its blob no longer opens) is erased all the same; only its stored bytes
    // can be looked for afterwards.
    const vectors = rows.flatMap((t) => (t.vector ? [t.vector] : []));
    const sealed = rows.map((t) => t.sealed);
    const templates = this.d.templates.deleteForPerson(personId);
    this.d.links.delete(personId);
    const { consents } = this.d.people.delete(personId);
    this.d.audit.record({
      kind: 'erasure',
      decision: null,
      personId: null,
      similarity: null,
      details: { ...extra, templates, consents },
    });
    // Only this gallery's space is indexed; other spaces' templates are just deleted rows.
    const templateIds = rows
      .filter((t) => t.embeddingSpace === this.d.gallery.modelId)
      .map((t) => t.id);
    return { person: { id: found.id, name: found.name }, vectors, sealed, templateIds };
  }

  /**
   * Zero the old index file before the atomic rewrite, because rename alone leaves the old vectors
   * in freed disk blocks; a crash in between fails the checksum and the index is rebuilt. Labels
   * are removed in place rather than rebuilt, which would block the door for minutes on a large
   * HNSW gallery.
   */
  private rewriteIndex(templateIds: number[]): void {
    zeroFileInPlace(this.d.galleryIndex);
    this.d.gallery.removeTemplates(templateIds);
  }

  private searchProblems(vectors: Float32Array[]): string[] {
    const threshold = this.d.thresholds().identify;
    const problems: string[] = [];
    vectors.forEach((v, i) => {
      // The index itself, unchecked: it must not find the person, stopped recognition or not.
      const best = this.d.gallery.nearestUnchecked(v)[0];
      if (best && best.similarity >= threshold) {
        problems.push(
          `erased template ${i + 1} still matches someone (similarity ${best.similarity.toFixed(4)} >= ${threshold})`,
        );
      }
    });
    return problems;
  }

  /**
   * Scans every file in the data folder for the plaintext vectors (a regression would show) and for
   * the erased rows' ciphertext, which with the key at hand is as good as the vector.
   */
  private fileProblems(erased: readonly ErasedRows[]): string[][] {
    // One scan per file for everyone's needles; each hit is attributed to its person.
    const owner: number[] = [];
    const plainNeedles: Buffer[] = [];
    const sealedNeedles: Buffer[] = [];
    const sealedOwner: number[] = [];
    erased.forEach((e, i) => {
      for (const n of e.vectors.flatMap((v) => vectorNeedles(v))) {
        plainNeedles.push(n);
        owner.push(i);
      }
      const sealed = e.sealed.filter((b) => b.length > 0);
      for (const n of sealed.flatMap((b) => byteNeedles(b))) {
        sealedNeedles.push(n);
        sealedOwner.push(i);
      }
    });
    const needles = [...plainNeedles, ...sealedNeedles];
    const ownerOf = [...owner, ...sealedOwner];
    const problems: string[][] = erased.map(() => []);
    for (const file of filesUnder(this.d.dataDir)) {
      let found: number[];
      try {
        found = [...findNeedlesInFile(file, needles)];
      } catch (err) {
        problems.forEach((p) =>
          p.push(`${file} could not be read to verify the erasure (${String(err)})`),
        );
        continue;
      }
      erased.forEach((_, person) => {
        const mine = found.filter((i) => ownerOf[i] === person);
        if (mine.length === 0) return;
        const plainHits = mine.filter((i) => i < plainNeedles.length).length;
        const form =
          plainHits === mine.length ? 'plaintext' : plainHits === 0 ? 'encrypted' : 'mixed';
        problems[person]!.push(
          `${file} still contains bytes of an erased template (${mine.length} match(es), ${form})`,
        );
      });
    }
    return problems;
  }
}

interface ErasedRows {
  person: PersonRef;
  vectors: Float32Array[];
  sealed: Buffer[];
  templateIds: number[];
}
