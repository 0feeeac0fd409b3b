import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { StationError } from '../../shared/errors';
import type { FrameResult, ParsedRequestOf } from '../../shared/contract';
import type { ErasureOutcome } from '../../shared/audit-review';
import type {
  AuditEventView,
  EnrollResult,
  PersonSummary,
  StationStatus,
  Thresholds,
} from '../../shared/domain';
import type { AuditChainRow } from './ports/audit-store';
import type { PeopleStore } from './ports/people-store';
import type { StationStores } from './ports/station-stores';
import type { TemplateStore } from './ports/template-store';
import { OperatorCredentials } from './auth/operator-credentials.repository';
import { OperatorAuthService } from './auth/operator-auth.service';
import {
  terminalDisplaySchema,
  type CameraReport,
  type DoorStatusView,
  type PassiveSummary,
  type TerminalDisplay,
} from '../../shared/door-contract';
import { AccessSettings } from './access/access-settings.service';
import { accessPolicySchema, type AccessPolicy } from './access/access-policy.schema';
import { livenessSettingsSchema, type LivenessSettings } from './liveness/liveness-settings';
import { randomChallengeChooser, type ChallengeChooser } from './challenge/challenge-chooser';
import { challengeSettingsSchema, type ChallengeSettings } from './challenge/challenge-settings';
import { DoorFrameService, type AuditedDecision } from './access/door-frame.service';
import { DoorScreen } from './access/door-screen';
import { DoorTerminalAdmin } from './access/door-terminal-admin';
import { DoorLivenessMonitor } from './liveness/door-liveness-monitor';
import type { PassiveLivenessModel } from './liveness/passive-scorer';
import { faceSquare, type LivenessFace } from './liveness/face-square';
import { largestFace } from './vision/face-choice';
import { DoorActuator } from './door/door-actuator';
import { createDoorController, doorConfigSchema, type DoorConfig } from './door/door-config';
import { doorIdentitySchema, type DoorIdentity } from './door/door-identity';
import { SimulatedRelay } from './door/simulated-relay';
import type { RgbImage } from './vision/vision.types';
import type { TemplateCipher } from './crypto/template-cipher';
import type { TemplateKeyStore } from './crypto/template-key-store';
import { AuditChainVerifier, type AuditChainReport } from './audit/audit-chain-verifier';
import { AuditLog } from './audit/audit-log';
import { AuditMac } from './audit/audit-mac';
import { anchorAdvancer, AuditAnchorFile } from './audit/audit-anchor';
import { restoreDroppedTriggers } from './audit/audit-triggers';
import { AuditRecorder } from './audit/audit-recorder';
import { AuditRetentionService, type PurgeReport } from './audit/audit-retention.service';
import { AuditReviewService } from './audit/audit-review.service';
import { AuditNameResolver } from './audit/audit-names';
import { ReviewerViewsService } from './audit/reviewer-views.service';
import { PeopleAdminService } from './people/people-admin.service';
import { IdentityHasher } from './audit/identity-hasher';
import { EnrollmentService, type EnrollRequest } from './enrollment/enrollment.service';
import { checkLiveCapture, type CaptureCheckRequest } from './enrollment/live-capture-check';
import type { CaptureCheck } from '../../shared/enroll-capture-contract';
import { ErasureService } from './erasure/erasure.service';
import {
  Gallery,
  type GalleryIndexStats,
  type GalleryOpenReport,
  type WriteLock,
} from './gallery/gallery.service';
import { chooseIndexKind } from './gallery/index-policy';
import { INDEX_KINDS, type IndexKind, type VectorIndexFactory } from './gallery/vector-index';
import { RecognitionService, type VerifyResult } from './recognition/recognition.service';
import type { IdentifyScoring } from './recognition/identify-scoring';
import { builtinSpec, type EmbeddingModelSpec } from './models/embedding-model-source';
import { embeddingModelView, type EmbeddingModelView } from './models/embedding-model-view';
import { defaultScoringFor } from './settings/threshold-defaults';
import { loadVerifiedModel } from './models/model-verifier';
import { SettingsService } from './settings/settings.service';
import { CalibrationUploads } from './calibration/calibration-uploads';
import { StationCalibrationService } from './calibration/station-calibration.service';
import { PadCalibrationService } from './calibration/pad-calibration.service';
import { dataPaths } from './util/data-dir';
import { removeStaleTempFiles } from './util/stale-temp-files';
import { loadOrCreateKey } from './util/key-file';
import type { FaceAnalyzer, ImageDecoder } from './vision/face-analyzer';
import type { SiteStation } from './site/site-station';
import { policyForAudit } from './site/site-access';

export type StationMode = StationStatus['mode'];

export interface StationParts {
  dataDir: string;
  mode: StationMode;
  analyzer: FaceAnalyzer;
  decode: ImageDecoder;
  /** One factory per index kind: the gallery's kind follows its size or the admin setting. */
  indexFactories: Record<IndexKind, VectorIndexFactory>;
  /** The embedding model the analyzer runs (absent: the shipped one). */
  embedding?: EmbeddingModelSpec;
  /** Folder of verified model files (the renderer's detector model is served from here). */
  modelsDir: string;
  /** Where the template key lives; default: keys/template.key (0600) in the data folder. */
  templateKeys?: TemplateKeyStore;
  /**
   * Passive liveness (texture network + PAD weights); null/absent = unavailable, so a policy
   * requiring liveness never opens.
   */
  passive?: PassiveLivenessModel | null;
  now?: () => Date;
  /**
   * Picks the actions of an active challenge. Default: the CSPRNG chooser. Only the
   * composition root sets it (a test that must know the order); no setting or environment
   * variable can, so nobody at the door can make the challenge predictable.
   */
  challengeChooser?: ChallengeChooser;
  /**
   * Called by close(): releases what was created for this station alone (the model worker
   * threads). Absent when the models are shared with other stations (tests).
   */
  release?: () => void;
  /** The site this data folder joined; absent for a single station. */
  site?: StationSiteBinding;
  /** The host's OS locale (StationStatus.locale); absent = the page uses its own languages. */
  locale?: string;
}

/** What the site composition needs of a station to make it a replica (see SiteStation). */
export interface StationSiteInternals {
  templates: TemplateStore;
  gallery: Gallery;
  erasure: ErasureService;
  audit: AuditRecorder;
  findPeople: (nameOrId: string) => PersonSummary[];
  subjectsOf: (personId: string) => string[];
  access: {
    doorId(): string;
    policy(): AccessPolicy;
    setPolicy(next: unknown, changedBy: string): AccessPolicy;
    liveness(): LivenessSettings;
    setLiveness(next: unknown, changedBy: string): LivenessSettings;
  };
  modelId: string;
  embeddingSpace: string;
  now: () => Date;
}

export interface StationSiteBinding {
  /** The site's audit pepper: every station of a site names a person by the same subject. */
  readonly auditPepper: Buffer;
  attach(station: StationSiteInternals): SiteStation;
}

export interface OpenStationOptions {
  dataDir: string;
  modelsDir?: string;
  mode: StationMode;
  /** Electron passes its safeStorage-backed store; CLI and browser mode use the default. */
  templateKeys?: TemplateKeyStore;
  /** The site key's store when the folder joined a site (default keys/site.key, 0600). */
  siteKeys?: TemplateKeyStore;
  /** Test harnesses only (see StationParts.challengeChooser); hosts never pass it. */
  challengeChooser?: ChallengeChooser;
  /** Test harnesses only: the station's clock (audit times, schedules); hosts never pass it. */
  now?: () => Date;
  /** The OS locale the host knows (Electron: app.getLocale()), reported to the page. */
  locale?: string;
}

const DETECTOR_FILES = {
  short_range: 'face_detection_short_range.meta.tflite',
  full_range: 'face_detection_full_range.meta.tflite',
} as const;

const APP_VERSION = '0.1.0';

/**
 * The station core: one object per data folder, the same in every host. It owns the folder's stores
 * and composes the services; no Electron and no database code here (see composition/).
 */
export class Station {
  readonly enrollment: EnrollmentService;
  readonly recognition: RecognitionService;
  readonly door: DoorFrameService;
  readonly access: AccessSettings;
  /** The terminal's screen (banner, lock, camera in one snapshot), pushed to the page. */
  readonly screen: DoorScreen;
  /** Admin actions at the terminal (allow its camera, lift lockouts, cues), audited. */
  readonly terminalAdmin: DoorTerminalAdmin;
  private doorActuator: DoorActuator;
  /** The lock configuration the actuator was built from (rebuilt when another process changes it). */
  private actuatorConfig = '';
  private readonly sessionActuators = new Set<DoorActuator>();
  readonly erasure: ErasureService;
  /** Admin calibration: runs from templates or uploads, audited threshold adoption. */
  readonly calibration: StationCalibrationService;
  readonly calibrationUploads: CalibrationUploads;
  /** Per-camera passive liveness bands from this station's own live scores (audited adoption). */
  readonly padCalibration: PadCalibrationService;
  readonly settings: SettingsService;
  readonly galleryReport: GalleryOpenReport;
  /** What this start found changed outside the station and repaired (hosts show it). */
  readonly integrityNotes: string[];
  /** The reviewer's search, CSV export and event detail (audit:query/export/detail). */
  readonly review: AuditReviewService;
  /** Names on request, the live view and attendance (audit:query reveal, since, attendance). */
  readonly reviewer: ReviewerViewsService;
  /** The HR admin's edits of a person's details and the door's schedules by name. */
  readonly peopleAdmin: PeopleAdminService;
  /** Operator passphrases, sessions and login throttle (admin / reviewer roles). */
  readonly operators: OperatorAuthService;
  /** The site this station is a replica of; null for a single station. */
  readonly site: SiteStation | null;
  private readonly people: PeopleStore;
  private readonly audit: AuditRecorder;
  private readonly auditLog: AuditLog;
  private readonly auditVerifier: AuditChainVerifier;
  private readonly auditRetention: AuditRetentionService;
  private readonly gallery: Gallery;
  private readonly templates: TemplateStore;

  /** Built by composition/station-composition.ts (createStation), which opens the stores. */
  constructor(
    private readonly stores: StationStores,
    private readonly parts: StationParts,
    cipher: TemplateCipher,
  ) {
    const now = parts.now ?? (() => new Date());
    const paths = dataPaths(parts.dataDir);
    const tx = stores.unitOfWork;
    this.people = stores.people;
    const templates = stores.templates;
    this.templates = templates;
    const links = stores.links;
    this.settings = new SettingsService(stores.settings);
    const pepper = parts.site?.auditPepper ?? loadOrCreateKey(paths.pepperKey);
    const hasher = new IdentityHasher(pepper, (id) => links.find(id));
    const auditMac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
    const anchor = new AuditAnchorFile(paths.auditAnchor, auditMac);
    this.auditLog = new AuditLog(
      stores.auditRows,
      auditMac,
      anchorAdvancer(anchor, auditMac, {
        genesis: () => this.auditLog.genesis(),
        rowMac: (id) => this.auditLog.rowMac(id),
        purgedUpTo: () => this.auditLog.latestCheckpoint()?.boundary_id ?? 0,
      }),
    );
    this.audit = new AuditRecorder(this.auditLog, hasher, now);
    this.auditVerifier = new AuditChainVerifier(this.auditLog, auditMac, {
      file: anchor,
      enrolledSince: (since) => this.people.countCreatedSince(since),
    });
    this.integrityNotes = restoreDroppedTriggers(stores.triggers, this.audit);
    this.operators = new OperatorAuthService({
      credentials: new OperatorCredentials(stores.settings),
      audit: this.audit,
      now,
    });
    this.auditRetention = new AuditRetentionService({
      unitOfWork: tx,
      log: this.auditLog,
      purge: stores.auditPurge,
      verifier: this.auditVerifier,
      mac: auditMac,
      audit: this.audit,
      now,
      compact: stores.compact,
    });
    this.review = new AuditReviewService({
      queries: stores.auditQueries,
      findPeople: (nameOrId) => this.findPeople(nameOrId),
      subjectsOf: (personId) => this.audit.subjectsOf(personId),
    });
    // One lock for every writer of the index files, in every process: SQLite's write lock.
    const writeLock: WriteLock = (fn) => tx.immediate(fn);
    const removeStaleTemp = (): string[] =>
      writeLock(() =>
        removeStaleTempFiles(
          [parts.dataDir, dirname(paths.templateKey)],
          [paths.galleryIndex, `${paths.galleryIndex}.json`],
        ),
      );
    // A writer killed mid-write leaves a temp file (for the index: a sealed copy of every vector).
    removeStaleTemp();
    const opened = Gallery.open({
      writeLock,
      // Audited once per finding: which rows (by template id; people only as a count).
      onTampered: (tampered, foundBy) =>
        this.audit.record({
          kind: 'integrity',
          decision: null,
          personId: null,
          similarity: null,
          details: {
            what: 'templates',
            foundBy,
            templates: tampered.map((t) => t.templateId),
            people: new Set(tampered.map((t) => t.personId)).size,
          },
        }),
      templates,
      factory: (n, current) => parts.indexFactories[this.galleryIndexKindFor(n, current)],
      sealer: cipher,
      indexFile: paths.galleryIndex,
      // One index per embedding space: templates of another space are reported, never mixed.
      modelId: parts.analyzer.embeddingSpace,
      dim: parts.analyzer.embeddingDim,
    });
    this.gallery = opened.gallery;
    this.galleryReport = opened.report;
    const thresholds = (): Thresholds => this.settings.thresholds();
    const scoring = (): IdentifyScoring => this.identifyScoring();
    const { analyzer, decode } = parts;
    this.recognition = new RecognitionService({
      people: this.people,
      gallery: this.gallery,
      analyzer,
      decode,
      thresholds,
      scoring,
    });
    this.enrollment = new EnrollmentService({
      unitOfWork: tx,
      people: this.people,
      links,
      templates,
      gallery: this.gallery,
      analyzer,
      decode,
      audit: this.audit,
      thresholds,
      scoring,
      quality: () => this.settings.qualityLimits(),
      now,
      publish: parts.site ? (p) => this.site!.publishEnrolment(p) : undefined,
    });
    this.erasure = new ErasureService({
      unitOfWork: tx,
      compact: stores.compact,
      people: this.people,
      templates,
      links,
      gallery: this.gallery,
      audit: this.audit,
      thresholds,
      dataDir: parts.dataDir,
      galleryIndex: paths.galleryIndex,
      removeStaleTemp,
    });
    this.access = new AccessSettings(stores.settings);
    const queries = stores.auditQueries;
    this.reviewer = new ReviewerViewsService({
      review: this.review,
      queries,
      names: new AuditNameResolver({
        people: () =>
          this.people.list().map((p) => ({ id: p.id, name: p.name, employeeId: p.employeeId })),
        subjectsOf: (personId) => this.audit.subjectsOf(personId),
      }),
      audit: this.audit,
      timeZone: () => this.timeZone(),
    });
    this.peopleAdmin = new PeopleAdminService({
      unitOfWork: tx,
      people: this.people,
      access: this.access,
      audit: this.audit,
      timeZone: () => this.timeZone(),
      doorId: () => this.doorId(),
      site: parts.site ? () => this.site!.sync : undefined,
    });
    this.calibrationUploads = new CalibrationUploads(analyzer, decode, () => now().getTime());
    this.calibration = new StationCalibrationService({
      templates: () => templates.allForModel(analyzer.embeddingSpace),
      people: () => this.people.list(),
      dim: analyzer.embeddingDim,
      uploads: this.calibrationUploads,
      thresholds,
      scoring,
      setThresholds: (next) => this.settings.setThresholds(next),
      setScoring: (next) => this.settings.setIdentifyScoring(next),
      audit: (details) => this.audit.recordSettings(details),
      transaction: (fn) => tx.transaction(fn),
    });
    this.padCalibration = new PadCalibrationService({
      store: stores.padLiveScores,
      passive: () => parts.passive ?? null,
      liveness: () => this.access.liveness(),
      setLiveness: (next) => this.access.setLiveness(next),
      audit: (details) => this.audit.recordSettings({ ...details, door: this.doorId() }),
      transaction: (fn) => tx.transaction(fn),
      doorCamera: () => this.door.reportedCamera(),
      now,
    });
    this.doorActuator = this.makeDoorActuator(now);
    this.actuatorConfig = JSON.stringify(this.access.door());
    // Before the door service (it reports to the screen); the screen asks it only later.
    this.screen = new DoorScreen({
      now,
      door: () => this.actuator().current(),
      display: () => this.access.terminalDisplay(),
      terminalLock: () => this.door.terminalLock(),
    });
    this.door = this.makeDoorFrameService(
      'terminal',
      () => this.actuator(),
      () => this.doorId(),
      {
        now,
        screen: this.screen,
        onGrantedLive: (camera, p) =>
          this.padCalibration.recordLive('granted', camera, {
            padModel: p.score ?? Number.NaN,
            textureNet: p.textureNet ?? Number.NaN,
          }),
      },
    );
    this.terminalAdmin = new DoorTerminalAdmin({
      access: this.access,
      door: this.door,
      screen: this.screen,
      audit: this.audit,
      doorId: () => this.doorId(),
      onExternalChange: () => void this.actuator(),
    });
    this.site = parts.site?.attach(this.siteInternals(templates, now)) ?? null;
  }

  private siteInternals(templates: TemplateStore, now: () => Date): StationSiteInternals {
    return {
      templates,
      gallery: this.gallery,
      erasure: this.erasure,
      audit: this.audit,
      findPeople: (nameOrId) => this.findPeople(nameOrId),
      subjectsOf: (personId) => this.audit.subjectsOf(personId),
      access: {
        doorId: () => this.doorId(),
        policy: () => this.access.policy(),
        setPolicy: (next, by) => this.setAccessPolicy(next, by),
        liveness: () => this.access.liveness(),
        setLiveness: (next, by) => this.setLivenessSettings(next, by),
      },
      modelId: this.parts.analyzer.modelId,
      embeddingSpace: this.parts.analyzer.embeddingSpace,
      now,
    };
  }

  /**
   * The terminal's lock actuator, rebuilt when the lock configuration changed in another
   * process (`station door set` while the station runs): the next command uses the new lock.
   */
  private actuator(): DoorActuator {
    const config = JSON.stringify(this.access.door());
    if (config !== this.actuatorConfig) {
      this.doorActuator.dispose();
      this.doorActuator = this.makeDoorActuator(this.parts.now ?? (() => new Date()));
      this.actuatorConfig = config;
    }
    return this.doorActuator;
  }

  /**
   * How the door turns a search into its identify score: the scoring adopted with the identify
   * threshold, else the embedding space's default (identify-scoring.ts, threshold-defaults.ts).
   */
  identifyScoring(): IdentifyScoring {
    return this.settings.identifyScoring(defaultScoringFor(this.parts.analyzer.embeddingSpace));
  }

  /** The id every audit row about this station's door carries (the reviewer's door filter). */
  private doorId(): string {
    return this.access.identity().id;
  }

  private makeDoorFrameService(
    source: string,
    door: () => DoorActuator,
    doorId: () => string | null,
    opts: {
      now?: () => Date;
      /** The terminal's screen; absent for a replayed recording, which has none. */
      screen?: DoorScreen;
      onGrantedLive?: (camera: string, passive: PassiveSummary) => void;
      /** Told every audited decision once (the `station access` report lists them). */
      onDecision?: (e: AuditedDecision) => void;
    } = {},
  ): DoorFrameService {
    const passive = this.parts.passive;
    return new DoorFrameService({
      analyzer: this.parts.analyzer,
      recognition: this.recognition,
      audit: this.audit,
      door,
      thresholds: () => this.settings.thresholds(),
      policy: () => this.access.policy(),
      liveness: passive ? new DoorLivenessMonitor(passive, () => this.access.liveness()) : null,
      now: opts.now ?? this.parts.now ?? (() => new Date()),
      source,
      doorId,
      scheduleProfile: (personId) => this.people.accessProfile(personId),
      challenge: {
        settings: () => this.access.challenge(),
        chooser: this.parts.challengeChooser ?? randomChallengeChooser,
        blinkClosedRatio: () => this.access.liveness().blinkClosedRatio,
      },
      screen: opts.screen ?? null,
      ...(opts.onGrantedLive ? { onGrantedLive: opts.onGrantedLive } : {}),
      ...(opts.onDecision ? { onDecision: opts.onDecision } : {}),
    });
  }

  /**
   * A door session over a recorded video (`station access VIDEO`): the same tracking, liveness
   * and rules as the terminal, audited with the file as source, but driving a simulated relay:
   * replaying a recording must never open the real lock.
   */
  videoAccessSession(fileLabel: string): {
    process: (frameId: number, img: RgbImage, capturedAtMs: number) => Promise<FrameResult>;
    unlocks: () => number;
    /** Every audited decision so far, in order, each saying whether it opened the door. */
    decisions: () => AuditedDecision[];
  } {
    const relay = new SimulatedRelay();
    // A replay happened at no door: its rows carry no door id (see DoorFrameDeps.doorId).
    const actuator = new DoorActuator({
      controller: relay,
      audit: this.audit,
      now: this.parts.now ?? (() => new Date()),
      doorId: () => null,
    });
    // Disposed with the station: its re-lock timer must not outlive the database.
    this.sessionActuators.add(actuator);
    const decisions: AuditedDecision[] = [];
    // The door's clock follows the recording (decoding is faster or slower than real time),
    // so a decision's 10 s, the lockout window and a challenge's limit mean recording time.
    const startMs = (this.parts.now ?? (() => new Date()))().getTime();
    let videoMs = 0;
    const door = this.makeDoorFrameService(
      `video:${fileLabel}`,
      () => actuator,
      () => null,
      { now: () => new Date(startMs + videoMs), onDecision: (e) => decisions.push(e) },
    );
    door.trustSource();
    return {
      process: async (frameId, img, capturedAtMs) => {
        videoMs = capturedAtMs;
        const faces = await this.parts.analyzer.analyzeImage(img, { mode: 'fast' });
        return door.processAnalysed(frameId, img, faces, capturedAtMs);
      },
      unlocks: () => relay.unlockCount,
      decisions: () => [...decisions],
    };
  }

  status(): StationStatus {
    return {
      version: APP_VERSION,
      mode: this.parts.mode,
      modelId: this.parts.analyzer.modelId,
      people: this.people.count(),
      templates: this.gallery.size,
      thresholds: this.settings.thresholds(),
      auth: this.operators.status(),
      timeZone: this.timeZone(),
      locale: this.parts.locale ?? null,
    };
  }

  /** The zone the door schedules are written in, else this machine's zone. */
  timeZone(): string {
    return this.access.policy().timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  listPeople(): PersonSummary[] {
    const outside = new Set(this.templates.peopleOutsideSpace(this.gallery.modelId));
    return this.people.list().map((p) => (outside.has(p.id) ? { ...p, reEnrol: true } : p));
  }

  /**
   * The embedding model in use and what it means for the enrolled people: templates of other
   * spaces are never compared, so their people are listed for re-enrolment (`station model`).
   */
  embeddingModel(): EmbeddingModelView {
    return embeddingModelView(this.parts.embedding ?? builtinSpec(), {
      searchable: this.gallery.size,
      otherSpaces: this.templates.otherModels(this.gallery.modelId),
      outside: this.templates.peopleOutsideSpace(this.gallery.modelId),
      people: this.people.list(),
    });
  }

  /** Audits a change of embedding model (the folder's choice was just written; see model-command). */
  recordEmbeddingModelChange(previousSpace: string, changedBy: string): number {
    const m = this.embeddingModel();
    return this.audit.recordSettings({
      setting: 'embedding_model',
      changedBy,
      source: m.source,
      name: m.name,
      sha256: m.sha256,
      // Not 'embeddingSpace': the review hides keys that look like biometric data.
      space: m.embeddingSpace,
      previousSpace,
      reEnrol: m.reEnrol.length,
    });
  }

  /** Exact id first, then case-insensitive name (may be several people of one name). */
  findPeople(nameOrId: string): PersonSummary[] {
    const byId = this.people.findById(nameOrId);
    return byId ? [byId] : this.people.findByName(nameOrId);
  }

  /**
   * Enrols; when the images are live captures from a camera (the Enrolment view's guided
   * capture), the passive liveness score of each enrolled one is kept for that camera's
   * calibration: consented, supervised live presentations (scores only, never the image).
   */
  async enroll(req: EnrollRequest & { captureCamera?: string | undefined }): Promise<EnrollResult> {
    const result = await this.enrollment.enroll(req);
    if (result.person && req.captureCamera)
      await this.recordCaptureScores(req, result, req.captureCamera);
    return result;
  }

  private async recordCaptureScores(req: EnrollRequest, result: EnrollResult, camera: string) {
    const passive = this.parts.passive;
    if (!passive) return;
    for (const [i, image] of req.images.entries()) {
      if (result.files[i]?.status !== 'enrolled') continue;
      const frame = await this.parts.decode(image.bytes, image.fileName);
      const face = largestFace(await this.parts.analyzer.analyzeImage(frame));
      if (!face) continue;
      const s = await passive.scoreFace(frame, faceSquare(face));
      this.padCalibration.recordLive('enrolment', camera, s);
    }
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
  erasePerson(personId: string): ErasureOutcome {
    const report = this.erasure.erase(personId);
    // An erased person's name leaves the door screen too, even while their grant holds.
    this.screen.forget(personId);
    // A site station tells its site (tombstone + this verification) when it can.
    this.site?.erased(personId, report);
    return report;
  }

  /** Guided live capture: the enrolment quality gates on one camera frame; stores nothing. */
  checkCapture(req: CaptureCheckRequest): Promise<CaptureCheck> {
    const limits = {
      ...this.settings.qualityLimits(),
      minInterEyePx: this.settings.thresholds().minInterEyePx,
    };
    return checkLiveCapture(this.parts.analyzer, req, limits);
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

  /**
   * Retention purge (audited): deletes audit events older than `olderThanDays` (default: the
   * retention setting) and checkpoints the chain so it still verifies. Refuses a broken log.
   */
  purgeAudit(olderThanDays: number | undefined, requestedBy: string): PurgeReport {
    return this.auditRetention.purge(
      olderThanDays ?? this.settings.auditRetentionDays(),
      requestedBy,
    );
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

  /** The terminal reports the camera it opened; virtual cameras are refused unless allowed. */
  reportCamera(label: string): CameraReport {
    return this.door.reportCamera(label);
  }

  doorStatus(): DoorStatusView {
    return this.actuator().current();
  }

  /** The admin's index kind if set, else the size policy's kind for n templates. */
  private galleryIndexKindFor(n: number, currentFactoryKind: string | null): IndexKind {
    const factories = this.parts.indexFactories;
    const current = INDEX_KINDS.find((k) => factories[k].kind === currentFactoryKind) ?? null;
    return this.settings.galleryIndexKind() ?? chooseIndexKind(n, current);
  }

  /** `station gallery stats`: the index in use, its size and search parameters. */
  galleryStats(): GalleryIndexStats & { indexSetting: IndexKind | 'auto' } {
    return { ...this.gallery.stats(), indexSetting: this.settings.galleryIndexKind() ?? 'auto' };
  }

  /**
   * `station gallery rebuild [--index KIND|auto]`: rebuilds the index from the database. A
   * given kind (or 'auto' = follow the size policy) is stored first and audited as a settings
   * change once the rebuild succeeded; a failed rebuild restores the previous setting.
   */
  rebuildGallery(
    kind: IndexKind | 'auto' | undefined,
    changedBy: string,
  ): GalleryIndexStats & { indexSetting: IndexKind | 'auto' } {
    if (kind === undefined) {
      this.gallery.rebuild();
      return this.galleryStats();
    }
    const previous = this.settings.galleryIndexKind();
    const next = this.settings.setGalleryIndexKind(kind === 'auto' ? null : kind);
    try {
      this.gallery.rebuild();
    } catch (err) {
      this.settings.setGalleryIndexKind(previous);
      throw err;
    }
    this.audit.recordSettings({ setting: 'gallery_index_kind', changedBy, value: next ?? 'auto' });
    return this.galleryStats();
  }

  /** Validated (invalid -> zod error, nothing changes) and audited as a settings change. */
  setAccessPolicy(next: unknown, changedBy: string): AccessPolicy {
    const valid = this.access.setPolicy(next);
    // Memberships as counts: a raw person id in the log would outlive the person's erasure.
    this.recordDoorSetting('access_policy', changedBy, policyForAudit(valid));
    return valid;
  }

  /** A door-scoped settings change: the audit row names this door. */
  private recordDoorSetting(setting: string, changedBy: string, value: unknown): void {
    this.audit.recordSettings({ setting, door: this.doorId(), changedBy, value });
  }

  /** Liveness thresholds (validated, audited); apply to faces whose window starts after this. */
  setLivenessSettings(next: unknown, changedBy: string): LivenessSettings {
    const valid = this.access.setLiveness(next);
    this.recordDoorSetting('liveness', changedBy, valid);
    return valid;
  }

  /** The active challenge's settings (validated, audited); apply to the next challenge asked. */
  setChallengeSettings(next: unknown, changedBy: string): ChallengeSettings {
    const valid = this.access.setChallenge(next);
    this.recordDoorSetting('liveness_challenge', changedBy, valid);
    return valid;
  }

  /**
   * What `station pad-eval` judges presentations with: the door's own face finder, passive
   * models and the liveness settings in force (a calibrated camera keeps its calibration).
   * Null passive models: liveness is unavailable on this station.
   */
  livenessJudge(): {
    largestFace: (frame: RgbImage) => Promise<LivenessFace | null>;
    passive: PassiveLivenessModel | null;
    settings: LivenessSettings;
  } {
    return {
      largestFace: async (frame) =>
        largestFace(await this.parts.analyzer.analyzeImage(frame)) ?? null,
      passive: this.parts.passive ?? null,
      settings: this.access.liveness(),
    };
  }

  /** Throws the validation error of the first invalid part; writes nothing. */
  validateDoorSettings(parts: {
    policy: unknown;
    door: unknown;
    liveness: unknown;
    identity?: unknown;
    challenge?: unknown;
    terminal?: unknown;
  }): void {
    if (parts.policy !== null) accessPolicySchema.parse(parts.policy);
    if (parts.door !== null) doorConfigSchema.parse(parts.door);
    if (parts.liveness !== null) livenessSettingsSchema.parse(parts.liveness);
    if (parts.challenge !== undefined && parts.challenge !== null)
      challengeSettingsSchema.parse(parts.challenge);
    if (parts.identity !== undefined && parts.identity !== null)
      doorIdentitySchema.parse(parts.identity);
    if (parts.terminal !== undefined && parts.terminal !== null)
      terminalDisplaySchema.parse(parts.terminal);
  }

  /** The terminal's cues (validated, audited); the screen shows them from its next update. */
  setTerminalDisplay(next: unknown, changedBy: string): TerminalDisplay {
    return this.terminalAdmin.setDisplay(next, changedBy).value;
  }

  /**
   * Names the door (validated, audited). The row is filed under the new id and names the old
   * one, so a reviewer who finds a new door id in the log can see which id it continues.
   */
  setDoorIdentity(next: unknown, changedBy: string): DoorIdentity {
    const previous = this.access.identity();
    const valid = this.access.setIdentity(next);
    this.audit.recordSettings({
      setting: 'door_identity',
      door: valid.id,
      label: valid.label,
      changedBy,
      previousDoor: previous.id,
      previousLabel: previous.label,
    });
    return valid;
  }

  /** Switches the lock controller (audited); the new one is used from the next command on. */
  setDoorConfig(next: unknown, changedBy: string): DoorConfig {
    const valid = this.access.setDoor(next);
    // The webhook secret lives in its key file; only the shape of the config is logged.
    this.recordDoorSetting('door_controller', changedBy, valid);
    this.doorActuator.dispose();
    this.doorActuator = this.makeDoorActuator(this.parts.now ?? (() => new Date()));
    this.actuatorConfig = JSON.stringify(valid);
    return valid;
  }

  private makeDoorActuator(now: () => Date): DoorActuator {
    const paths = dataPaths(this.parts.dataDir);
    const controller = createDoorController(this.access.door(), {
      stationId: hostname(),
      webhookSecret: () => loadOrCreateKey(paths.doorWebhookKey),
    });
    return new DoorActuator({
      controller,
      audit: this.audit,
      now,
      doorId: () => this.doorId(),
      // The screen follows the lock (the status bar's "Door: open" ends when it re-locks).
      onChange: (status) => this.screen.doorChanged(status),
    });
  }

  /**
   * Resolves once the database passed its integrity check (at once when it was checked as it
   * opened); DB_CORRUPT otherwise. Hosts await it before serving anything.
   */
  async ready(): Promise<void> {
    await this.stores.verified();
  }

  private closed = false;

  /** Idempotent: a host's error path and its normal exit may both close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Hosts await site.close() first where they can; this only makes sure it happens.
    if (this.site) void this.site.close().catch(() => undefined);
    this.stores.cancelCheck();
    this.terminalAdmin.dispose();
    this.screen.dispose();
    this.doorActuator.dispose();
    for (const a of this.sessionActuators) a.dispose();
    if (this.stores.isOpen()) {
      // An append inside a transaction tells the anchor in a microtask: tell it now.
      this.auditLog.tellCommitted();
      this.stores.close();
    }
    this.parts.release?.();
  }
}
