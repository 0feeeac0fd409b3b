import { createHash } from 'node:crypto';
import { StationError } from '../../shared/errors';
import type { FrameResult, ParsedRequestOf } from '../../shared/contract';
import type {
  AuditEventView,
  EnrollResult,
  PersonSummary,
  StationStatus,
  Thresholds,
} from '../../shared/domain';
import { openDatabase, type Db } from '../db/connection';
import { AuditLogRepository, type AuditChainRow } from '../db/audit-log.repository';
import { PeopleRepository } from '../db/people.repository';
import { PersonLinksRepository } from '../db/person-links.repository';
import { SettingsRepository } from '../db/settings.repository';
import { TemplatesRepository } from '../db/templates.repository';
import { DoorFrameService } from './access/door-frame.service';
import { AuditChainVerifier, type AuditChainReport } from './audit/audit-chain-verifier';
import { AuditMac } from './audit/audit-mac';
import { AuditRecorder } from './audit/audit-recorder';
import { IdentityHasher } from './audit/identity-hasher';
import { EnrollmentService, type EnrollRequest } from './enrollment/enrollment.service';
import { ErasureService, type ErasureReport } from './erasure/erasure.service';
import { Gallery, type GalleryOpenReport } from './gallery/gallery.service';
import type { VectorIndexFactory } from './gallery/vector-index';
import { RecognitionService, type VerifyResult } from './recognition/recognition.service';
import { loadVerifiedModel } from './models/model-verifier';
import { SettingsService } from './settings/settings.service';
import { dataPaths } from './util/data-dir';
import { loadOrCreateKey } from './util/key-file';
import type { FaceAnalyzer, ImageDecoder } from './vision/face-analyzer';

export type StationMode = StationStatus['mode'];

export interface StationParts {
  dataDir: string;
  mode: StationMode;
  analyzer: FaceAnalyzer;
  decode: ImageDecoder;
  indexFactory: VectorIndexFactory;
  /** Folder of verified model files (the renderer's detector model is served from here). */
  modelsDir: string;
  now?: () => Date;
}

export interface OpenStationOptions {
  dataDir: string;
  modelsDir?: string;
  mode: StationMode;
}

const DETECTOR_FILES = {
  short_range: 'face_detection_short_range.meta.tflite',
  full_range: 'face_detection_full_range.meta.tflite',
} as const;

const APP_VERSION = '0.1.0';

/**
 * The station core: one object per data folder, the same in Electron, browser mode and the
 * CLI. It owns the database connection; everything else is composed from it. No Electron here.
 * Hosts build it with `openStation` (station-factory.ts), which supplies the native adapters.
 */
export class Station {
  readonly enrollment: EnrollmentService;
  readonly recognition: RecognitionService;
  readonly door: DoorFrameService;
  readonly erasure: ErasureService;
  readonly settings: SettingsService;
  readonly galleryReport: GalleryOpenReport;
  private readonly people: PeopleRepository;
  private readonly audit: AuditRecorder;
  private readonly auditLog: AuditLogRepository;
  private readonly auditVerifier: AuditChainVerifier;
  private readonly gallery: Gallery;

  private constructor(
    private readonly db: Db,
    private readonly parts: StationParts,
  ) {
    const now = parts.now ?? (() => new Date());
    const paths = dataPaths(parts.dataDir);
    this.people = new PeopleRepository(db);
    const templates = new TemplatesRepository(db);
    const links = new PersonLinksRepository(db);
    this.settings = new SettingsService(new SettingsRepository(db));
    const hasher = new IdentityHasher(loadOrCreateKey(paths.pepperKey), (id) => links.find(id));
    const auditMac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
    this.auditLog = new AuditLogRepository(db, auditMac);
    this.audit = new AuditRecorder(this.auditLog, hasher, now);
    this.auditVerifier = new AuditChainVerifier(this.auditLog, auditMac);
    const opened = Gallery.open({
      templates,
      factory: parts.indexFactory,
      indexFile: paths.galleryIndex,
      modelId: parts.analyzer.modelId,
      dim: parts.analyzer.embeddingDim,
    });
    this.gallery = opened.gallery;
    this.galleryReport = opened.report;
    const thresholds = (): Thresholds => this.settings.thresholds();
    const { analyzer, decode } = parts;
    this.recognition = new RecognitionService({
      people: this.people,
      gallery: this.gallery,
      analyzer,
      decode,
      thresholds,
    });
    this.enrollment = new EnrollmentService({
      db,
      people: this.people,
      links,
      templates,
      gallery: this.gallery,
      analyzer,
      decode,
      audit: this.audit,
      thresholds,
      now,
    });
    this.erasure = new ErasureService({
      db,
      people: this.people,
      templates,
      links,
      gallery: this.gallery,
      audit: this.audit,
      thresholds,
      files: { database: paths.database, galleryIndex: paths.galleryIndex },
    });
    this.door = new DoorFrameService({
      analyzer,
      recognition: this.recognition,
      audit: this.audit,
      thresholds,
      now,
    });
  }

  static create(parts: StationParts): Station {
    const db = openDatabase(dataPaths(parts.dataDir).database);
    try {
      return new Station(db, parts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  status(): StationStatus {
    return {
      version: APP_VERSION,
      mode: this.parts.mode,
      modelId: this.parts.analyzer.modelId,
      people: this.people.count(),
      templates: this.gallery.size,
      thresholds: this.settings.thresholds(),
    };
  }

  listPeople(): PersonSummary[] {
    return this.people.list();
  }

  /** Exact id first, then case-insensitive name (may be several people of one name). */
  findPeople(nameOrId: string): PersonSummary[] {
    const byId = this.people.findById(nameOrId);
    return byId ? [byId] : this.people.findByName(nameOrId);
  }

  enroll(req: EnrollRequest): Promise<EnrollResult> {
    return this.enrollment.enroll(req);
  }

  identify(bytes: Buffer, fileName: string) {
    return this.recognition.identify(bytes, fileName);
  }

  verify(
    a: { bytes: Buffer; fileName: string },
    b: { bytes: Buffer; fileName: string },
  ): Promise<VerifyResult> {
    return this.recognition.verify(a, b);
  }

  /**
   * GDPR Art. 17: erases one person by exact id (templates, index entries, consent, audit link
   * secret), logs the erasure, then verifies by search and on disk. PERSON_NOT_FOUND if unknown.
   */
  erasePerson(personId: string): ErasureReport {
    return this.erasure.erase(personId);
  }

  processFrame(req: ParsedRequestOf<'access:frame'>): Promise<FrameResult> {
    return this.door.process(req);
  }

  recentAudit(limit: number): AuditEventView[] {
    return this.audit.recent(limit);
  }

  /** The HMAC under which a person's new events are logged (reviewer search). */
  auditSubjectOf(personId: string): string {
    const subject = this.audit.subjectOf(personId);
    if (subject === null) {
      throw new StationError('PERSON_NOT_FOUND', `No enrolled person has id ${personId}`);
    }
    return subject;
  }

  /** Recomputes the whole audit MAC chain (streams rows; see AuditChainVerifier). */
  verifyAuditChain(): AuditChainReport {
    return this.auditVerifier.verify();
  }

  /** Every audit event of one person, oldest first, found through their subject HMAC. */
  auditEventsOf(personId: string): AuditEventView[] {
    // Pre-0030 rows of a migrated person carry the legacy subject (see migration 0030).
    return this.audit
      .subjectsOf(personId)
      .flatMap((s) => this.auditLog.bySubject(s))
      .sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  }

  /** Audit rows with from <= at < to (ISO; null = open), streamed in id order, no names. */
  exportAudit(from: string | null, to: string | null): IterableIterator<AuditChainRow> {
    return this.auditLog.range(from, to);
  }

  /** The MediaPipe model for the renderer, only after its hash was checked against the catalog. */
  detectorModel(variant: keyof typeof DETECTOR_FILES): {
    fileName: string;
    sha256: string;
    base64: string;
  } {
    const fileName = DETECTOR_FILES[variant];
    const bytes = loadVerifiedModel(this.parts.modelsDir, fileName);
    return {
      fileName,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      base64: bytes.toString('base64'),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
