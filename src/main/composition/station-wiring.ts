import { dirname } from 'node:path';
import { AccessSettings } from '../core/access/access-settings.service';
import { AuditAdmin } from '../core/audit/audit-admin';
import { anchorAdvancer, AuditAnchorFile } from '../core/audit/audit-anchor';
import { AuditChainVerifier } from '../core/audit/audit-chain-verifier';
import { AuditLog } from '../core/audit/audit-log';
import { AuditMac } from '../core/audit/audit-mac';
import { AuditNameResolver } from '../core/audit/audit-names';
import { AuditRecorder } from '../core/audit/audit-recorder';
import { AuditRetentionService } from '../core/audit/audit-retention.service';
import { AuditReviewService } from '../core/audit/audit-review.service';
import { restoreDroppedTriggers } from '../core/audit/audit-triggers';
import { IdentityHasher } from '../core/audit/identity-hasher';
import { ReviewerViewsService } from '../core/audit/reviewer-views.service';
import { OperatorAuthService } from '../core/auth/operator-auth.service';
import { OperatorCredentials } from '../core/auth/operator-credentials.repository';
import type { TemplateCipher } from '../core/crypto/template-cipher';
import { EnrolmentIntake } from '../core/enrollment/enrolment-intake';
import { EnrollmentService } from '../core/enrollment/enrollment.service';
import { ErasureService } from '../core/erasure/erasure.service';
import { PersonErasure } from '../core/erasure/person-erasure';
import { GalleryAdmin } from '../core/gallery/gallery-admin';
import { Gallery, type WriteLock } from '../core/gallery/gallery.service';
import { PeopleAdminService } from '../core/people/people-admin.service';
import { PeopleDirectory } from '../core/people/people-directory';
import type { StationStores } from '../core/ports/station-stores';
import { RecognitionService } from '../core/recognition/recognition.service';
import { SettingsService } from '../core/settings/settings.service';
import { defaultScoringFor } from '../core/settings/threshold-defaults';
import { StationInfo } from '../core/station-info';
import {
  holdStation,
  type Station,
  type StationParts,
  type StationServices,
  type StationSiteInternals,
} from '../core/station.service';
import { dataPaths } from '../core/util/data-dir';
import { loadOrCreateKey } from '../core/util/key-file';
import { removeStaleTempFiles } from '../core/util/stale-temp-files';
import { wireDoor } from './door-wiring';
import type { Wiring } from './wiring';

/**
 * Builds one station's services over its opened stores: the station's whole object graph,
 * so core holds services and rules and this file holds who is given what.
 */
export function wireStation(
  stores: StationStores,
  parts: StationParts,
  cipher: TemplateCipher,
): Station {
  const w: Wiring = {
    stores,
    parts,
    paths: dataPaths(parts.dataDir),
    now: parts.now ?? (() => new Date()),
    settings: new SettingsService(stores.settings),
    access: new AccessSettings(stores.settings),
    site: null,
  };
  const audit = wireAudit(w);
  const integrityNotes = restoreDroppedTriggers(stores.triggers, audit.recorder);
  const gallery = wireGallery(w, audit.recorder, cipher);
  const people = wirePeople(w, audit.recorder, gallery);
  const door = wireDoor(w, audit.recorder, people.recognition);
  const services: StationServices = {
    ...audit.services,
    ...gallery.services,
    ...people.services,
    ...door.services,
    integrityNotes,
    settings: w.settings,
    access: w.access,
    intake: new EnrolmentIntake({
      enrollment: people.services.enrollment,
      analyzer: parts.analyzer,
      decode: parts.decode,
      settings: w.settings,
      passive: parts.passive ?? null,
      padCalibration: door.services.padCalibration,
    }),
    eraser: new PersonErasure({
      erasure: people.services.erasure,
      forgetOnScreen: (personId) => door.services.screen.forget(personId),
      tellSite: (personId, report) => w.site?.erased(personId, report),
    }),
    info: stationInfo(w, gallery.gallery, audit.services.operators),
    site: null,
  };
  w.site = parts.site?.attach(siteInternals(w, services, gallery.gallery, audit.recorder)) ?? null;
  return holdStation({ ...services, site: w.site }, lifecycle(w, services, audit.log));
}

function wireAudit(w: Wiring) {
  const { stores, paths, now } = w;
  const pepper = w.parts.site?.auditPepper ?? loadOrCreateKey(paths.pepperKey);
  const hasher = new IdentityHasher(pepper, (id) => stores.links.find(id));
  const mac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
  const anchor = new AuditAnchorFile(paths.auditAnchor, mac);
  const log: AuditLog = new AuditLog(
    stores.auditRows,
    mac,
    anchorAdvancer(anchor, mac, {
      genesis: () => log.genesis(),
      rowMac: (id) => log.rowMac(id),
      purgedUpTo: () => log.latestCheckpoint()?.boundary_id ?? 0,
    }),
  );
  const recorder = new AuditRecorder(log, hasher, now);
  const verifier = new AuditChainVerifier(log, mac, {
    file: anchor,
    enrolledSince: (since) => stores.people.countCreatedSince(since),
  });
  const retention = new AuditRetentionService({
    unitOfWork: stores.unitOfWork,
    log,
    purge: stores.auditPurge,
    verifier,
    mac,
    audit: recorder,
    now,
    compact: stores.compact,
  });
  const operators = new OperatorAuthService({
    credentials: new OperatorCredentials(stores.settings),
    audit: recorder,
    now,
  });
  const auditAdmin = new AuditAdmin({
    log,
    recorder,
    verifier,
    retention,
    retentionDays: () => w.settings.auditRetentionDays(),
  });
  return { log, recorder, services: { operators, auditAdmin } };
}

function wireGallery(w: Wiring, audit: AuditRecorder, cipher: TemplateCipher) {
  const { stores, paths, parts } = w;
  // One lock for every writer of the index files, in every process: SQLite's write lock.
  const writeLock: WriteLock = (fn) => stores.unitOfWork.immediate(fn);
  const removeStaleTemp = (): string[] =>
    writeLock(() =>
      removeStaleTempFiles(
        [parts.dataDir, dirname(paths.templateKey)],
        [paths.galleryIndex, `${paths.galleryIndex}.json`],
      ),
    );
  // A writer killed mid-write leaves a temp file (for the index: a sealed copy of every vector).
  removeStaleTemp();
  const galleryAdmin: GalleryAdmin = new GalleryAdmin({
    gallery: () => opened.gallery,
    settings: w.settings,
    factories: parts.indexFactories,
    audit,
  });
  const opened = Gallery.open({
    writeLock,
    // Audited once per finding: which rows (by template id; people only as a count).
    onTampered: (tampered, foundBy) =>
      audit.record({
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
    templates: stores.templates,
    factory: (n, current) => parts.indexFactories[galleryAdmin.indexKindFor(n, current)],
    sealer: cipher,
    indexFile: paths.galleryIndex,
    // One index per embedding space: templates of another space are reported, never mixed.
    modelId: parts.analyzer.embeddingSpace,
    dim: parts.analyzer.embeddingDim,
  });
  return {
    gallery: opened.gallery,
    removeStaleTemp,
    services: { galleryAdmin, galleryReport: opened.report },
  };
}

function wirePeople(
  w: Wiring,
  audit: AuditRecorder,
  g: { gallery: Gallery; removeStaleTemp: () => string[] },
) {
  const { stores, parts, now, settings } = w;
  const { analyzer, decode } = parts;
  const tx = stores.unitOfWork;
  const base = { people: stores.people, gallery: g.gallery, analyzer, decode };
  const thresholds = () => settings.thresholds();
  const scoring = () => settings.identifyScoring(defaultScoringFor(analyzer.embeddingSpace));
  const recognition = new RecognitionService({ ...base, thresholds, scoring });
  const enrollment = new EnrollmentService({
    ...base,
    unitOfWork: tx,
    links: stores.links,
    templates: stores.templates,
    audit,
    thresholds,
    scoring,
    quality: () => settings.qualityLimits(),
    now,
    publish: parts.site ? (p) => w.site!.publishEnrolment(p) : undefined,
  });
  const erasure = new ErasureService({
    unitOfWork: tx,
    compact: stores.compact,
    people: stores.people,
    templates: stores.templates,
    links: stores.links,
    gallery: g.gallery,
    audit,
    thresholds,
    dataDir: parts.dataDir,
    galleryIndex: w.paths.galleryIndex,
    removeStaleTemp: g.removeStaleTemp,
  });
  const services = { recognition, enrollment, erasure, ...wireDirectory(w, audit, g.gallery) };
  return { recognition, services };
}

function wireDirectory(w: Wiring, audit: AuditRecorder, gallery: Gallery) {
  const { stores, access } = w;
  const subjectsOf = (personId: string) => audit.subjectsOf(personId);
  const directory = new PeopleDirectory({
    people: stores.people,
    templates: stores.templates,
    gallery,
    audit,
    embedding: w.parts.embedding,
  });
  const review = new AuditReviewService({
    queries: stores.auditQueries,
    findPeople: (nameOrId) => directory.find(nameOrId),
    subjectsOf,
  });
  const timeZone = () => access.timeZone();
  const reviewer = new ReviewerViewsService({
    review,
    queries: stores.auditQueries,
    names: new AuditNameResolver({
      people: () =>
        stores.people.list().map((p) => ({ id: p.id, name: p.name, employeeId: p.employeeId })),
      subjectsOf,
    }),
    audit,
    timeZone,
  });
  const peopleAdmin = new PeopleAdminService({
    unitOfWork: stores.unitOfWork,
    people: stores.people,
    access,
    audit,
    timeZone,
    doorId: () => access.identity().id,
    site: w.parts.site ? () => w.site!.sync : undefined,
  });
  return { directory, review, reviewer, peopleAdmin };
}

function stationInfo(w: Wiring, gallery: Gallery, operators: OperatorAuthService): StationInfo {
  const { parts, access } = w;
  return new StationInfo({
    mode: parts.mode,
    modelId: parts.analyzer.modelId,
    modelsDir: parts.modelsDir,
    locale: parts.locale,
    people: () => w.stores.people.count(),
    templates: () => gallery.size,
    thresholds: () => w.settings.thresholds(),
    auth: () => operators.status(),
    timeZone: () => access.timeZone(),
  });
}

/** What the site composition gets to make this station its replica (see SiteStation). */
function siteInternals(
  w: Wiring,
  s: StationServices,
  gallery: Gallery,
  audit: AuditRecorder,
): StationSiteInternals {
  const { access } = w;
  return {
    templates: w.stores.templates,
    gallery,
    erasure: s.erasure,
    audit,
    findPeople: (nameOrId) => s.directory.find(nameOrId),
    subjectsOf: (personId) => audit.subjectsOf(personId),
    access: {
      doorId: () => access.identity().id,
      policy: () => access.policy(),
      setPolicy: (next, by) => s.doorSettings.setAccessPolicy(next, by),
      liveness: () => access.liveness(),
      setLiveness: (next, by) => s.doorSettings.setLiveness(next, by),
    },
    modelId: w.parts.analyzer.modelId,
    embeddingSpace: w.parts.analyzer.embeddingSpace,
    now: w.now,
  };
}

/** Ends the station in order: site cycles, timers, then the database, then the models. */
function lifecycle(w: Wiring, s: StationServices, log: AuditLog) {
  const { stores } = w;
  return {
    ready: () => stores.verified(),
    close: () => {
      // Hosts await site.close() first where they can; this only makes sure it happens.
      if (w.site) void w.site.close().catch(() => undefined);
      stores.cancelCheck();
      s.terminalAdmin.dispose();
      s.screen.dispose();
      s.doors.dispose();
      if (stores.isOpen()) {
        // An append inside a transaction tells the anchor in a microtask: tell it now.
        log.tellCommitted();
        stores.close();
      }
      w.parts.release?.();
    },
  };
}
