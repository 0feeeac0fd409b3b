import type { StationStatus } from '../../shared/domain';
import type { AccessPolicy } from './access/access-policy.schema';
import type { AccessSettings } from './access/access-settings.service';
import type { DoorFrameService } from './access/door-frame.service';
import type { DoorScreen } from './access/door-screen';
import type { DoorSessions } from './access/door-sessions';
import type { DoorTerminalAdmin } from './access/door-terminal-admin';
import type { AuditAdmin } from './audit/audit-admin';
import type { AuditRecorder } from './audit/audit-recorder';
import type { AuditReviewService } from './audit/audit-review.service';
import type { ReviewerViewsService } from './audit/reviewer-views.service';
import type { OperatorAuthService } from './auth/operator-auth.service';
import type { CalibrationUploads } from './calibration/calibration-uploads';
import type { PadCalibrationService } from './calibration/pad-calibration.service';
import type { StationCalibrationService } from './calibration/station-calibration.service';
import type { ChallengeChooser } from './challenge/challenge-chooser';
import type { TemplateKeyStore } from './crypto/template-key-store';
import type { DoorSettingsAdmin } from './door/door-settings-admin';
import type { EnrolmentIntake } from './enrollment/enrolment-intake';
import type { EnrollmentService } from './enrollment/enrollment.service';
import type { ErasureService } from './erasure/erasure.service';
import type { PersonErasure } from './erasure/person-erasure';
import type { GalleryAdmin } from './gallery/gallery-admin';
import type { Gallery, GalleryOpenReport } from './gallery/gallery.service';
import type { IndexKind, VectorIndexFactory } from './gallery/vector-index';
import type { LivenessSettings } from './liveness/liveness-settings';
import type { PassiveLivenessModel } from './liveness/passive-scorer';
import type { EmbeddingModelSpec } from './models/embedding-model-source';
import type { PeopleAdminService } from './people/people-admin.service';
import type { PeopleDirectory } from './people/people-directory';
import type { PersonSummary } from '../../shared/domain';
import type { TemplateStore } from './ports/template-store';
import type { RecognitionService } from './recognition/recognition.service';
import type { SettingsService } from './settings/settings.service';
import type { SiteStation } from './site/site-station';
import type { StationInfo } from './station-info';
import type { FaceAnalyzer, ImageDecoder } from './vision/face-analyzer';

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

/** The station's services, one object each, as composition/station-wiring.ts builds them. */
export interface StationServices {
  readonly info: StationInfo;
  readonly settings: SettingsService;
  readonly access: AccessSettings;
  /** Validated, audited changes of this door's settings (policy, lock, liveness, cues). */
  readonly doorSettings: DoorSettingsAdmin;
  /** The terminal's lock and replayed recordings' sessions over the door's one set of rules. */
  readonly doors: DoorSessions;
  /** The terminal's door: frames in, audited decisions out. */
  readonly door: DoorFrameService;
  /** The terminal's screen (banner, lock, camera in one snapshot), pushed to the page. */
  readonly screen: DoorScreen;
  /** Admin actions at the terminal (allow its camera, lift lockouts, cues), audited. */
  readonly terminalAdmin: DoorTerminalAdmin;
  readonly directory: PeopleDirectory;
  /** The HR admin's edits of a person's details and the door's schedules by name. */
  readonly peopleAdmin: PeopleAdminService;
  readonly enrollment: EnrollmentService;
  readonly intake: EnrolmentIntake;
  readonly recognition: RecognitionService;
  readonly erasure: ErasureService;
  /** An erasure this station asked for: also off the screen and told to the site. */
  readonly eraser: PersonErasure;
  /** Admin calibration: runs from templates or uploads, audited threshold adoption. */
  readonly calibration: StationCalibrationService;
  readonly calibrationUploads: CalibrationUploads;
  /** Per-camera passive liveness bands from this station's own live scores (audited adoption). */
  readonly padCalibration: PadCalibrationService;
  /** The reviewer's search, CSV export and event detail (audit:query/export/detail). */
  readonly review: AuditReviewService;
  /** Names on request, the live view and attendance (audit:query reveal, since, attendance). */
  readonly reviewer: ReviewerViewsService;
  readonly auditAdmin: AuditAdmin;
  readonly galleryAdmin: GalleryAdmin;
  readonly galleryReport: GalleryOpenReport;
  /** What this start found changed outside the station and repaired (hosts show it). */
  readonly integrityNotes: string[];
  /** Operator passphrases, sessions and login throttle (admin / reviewer roles). */
  readonly operators: OperatorAuthService;
  /** The site this station is a replica of; null for a single station. */
  readonly site: SiteStation | null;
}

/** How a station's resources end, in order (see composition/station-wiring.ts). */
export interface StationLifecycle {
  /** Resolves once the database passed its integrity check; DB_CORRUPT otherwise. */
  ready(): Promise<void>;
  /** Releases timers, the database and the model workers; called once. */
  close(): void;
}

/**
 * The station: one object per data folder, the same in every host. It only holds the
 * services composition/ built for it; the hosts reach them through the contract's handlers.
 */
export interface Station extends StationServices {
  /**
   * Resolves once the database passed its integrity check (at once when it was checked as it
   * opened); DB_CORRUPT otherwise. Hosts await it before serving anything.
   */
  ready(): Promise<void>;
  /** Idempotent: a host's error path and its normal exit may both close. */
  close(): void;
}

/** The station over its services; closing twice closes once. */
export function holdStation(services: StationServices, life: StationLifecycle): Station {
  let closed = false;
  return {
    ...services,
    ready: () => life.ready(),
    close: () => {
      if (closed) return;
      closed = true;
      life.close();
    },
  };
}
