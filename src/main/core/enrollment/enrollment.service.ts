import { createHash, randomUUID } from 'node:crypto';
import { CONSENT_PURPOSE, CONSENT_TEXT_VERSION } from '../../../shared/consent';
import type { EnrollFileResult, EnrollResult, PersonRef, Thresholds } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import { plainTextProblem } from '../../../shared/plain-text';
import type { PeopleStore, PersonLinkStore } from '../ports/people-store';
import type { UnitOfWork } from '../ports/storage';
import type { TemplateStore } from '../ports/template-store';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { Gallery } from '../gallery/gallery.service';
import type { QualityLimits } from '../settings/quality-defaults';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';
import type { FaceAnalysis } from '../vision/vision.types';
import { findDuplicate, type DuplicateMatch } from './duplicate-check';
import { peopleNeeded, type IdentifyScoring } from '../recognition/identify-scoring';
import { checkEnrolPhoto } from './enroll-photo-check';

/** Recorded as the consent witness when enrolment comes from the admin screen. */
export const CONSENT_RECORDED_BY_UI = 'admin-ui';

export interface EnrollImage {
  fileName: string;
  bytes: Buffer;
}

export interface EnrollRequest {
  name: string;
  consent: boolean;
  images: EnrollImage[];
  /** Who recorded the consent (admin user, or 'cli'). */
  recordedBy: string;
  /**
   * Re-enrolment: add the photos to this already enrolled person (exact id) instead of creating
   * a new one; `name` is then ignored. People change; their templates can follow.
   */
  personId?: string | undefined;
  /**
   * The admin confirmed that faces matching another enrolled person really are someone else
   * (twins, look-alikes). Without it such a request commits nothing.
   */
  allowDuplicate?: boolean | undefined;
  /** The HR admin's employee id of a new person (unique without regard to case). */
  employeeId?: string | undefined;
  /** Groups of a new person (door schedules per group). */
  groups?: readonly string[] | undefined;
  /**
   * Bulk import: a new person whose employee id is already enrolled is reported as
   * `alreadyEnrolled` and nothing happens, so a re-run of the same list resumes. Without it,
   * such a request is refused.
   */
  skipEnrolledEmployee?: boolean | undefined;
  /** Called as each photo's check finishes (a bulk run's progress counts files, not rows). */
  onFileChecked?: ((result: EnrollFileResult) => void) | undefined;
}

interface Accepted {
  index: number;
  face: FaceAnalysis;
  duplicateOf?: DuplicateMatch;
}

export interface EnrollmentDeps {
  unitOfWork: UnitOfWork;
  people: PeopleStore;
  /** Link secrets behind audit subjects: created with the person, destroyed by erasure. */
  links: PersonLinkStore;
  templates: TemplateStore;
  gallery: Gallery;
  analyzer: FaceAnalyzer;
  decode: ImageDecoder;
  audit: AuditRecorder;
  thresholds: () => Thresholds;
  /** The door's identify scoring: a duplicate is what the door would admit as someone else. */
  scoring: () => IdentifyScoring;
  quality: () => QualityLimits;
  now: () => Date;
  /**
   * A station of a site does not commit enrolments itself: they go to the site,
   * which arbitrates concurrent edits, and come back through the site pull (core/site/).
   */
  publish?: ((p: EnrolmentPublication) => Promise<void>) | undefined;
}

/** What a site station hands to its site instead of committing locally. */
export interface EnrolmentPublication {
  person: PersonRef;
  reEnrol: boolean;
  /** A new person's HR fields (a re-enrolment leaves the person's as they are). */
  employeeId?: string | undefined;
  groups?: readonly string[] | undefined;
  templates: {
    modelId: string;
    vector: Float32Array;
    interEyePx: number;
    createdAt: string;
  }[];
  consent: { textVersion: string; purpose: string; grantedAt: string; recordedBy: string };
}

/**
 * Enrols one person from 1-10 photos, each with its own outcome (quality gates, then duplicate
 * search). The person, consent and accepted templates are written in one transaction, or nothing
 * is.
 */
export class EnrollmentService {
  constructor(private readonly d: EnrollmentDeps) {}

  async enroll(req: EnrollRequest): Promise<EnrollResult> {
    if (req.consent !== true) {
      throw new StationError(
        'CONSENT_REQUIRED',
        'Enrolment needs the explicit consent of the person.',
      );
    }
    const existing = this.target(req);
    const holder = existing ? undefined : this.employeeHolder(req);
    if (holder) return { person: null, files: [], alreadyEnrolled: holder };
    const files: EnrollFileResult[] = [];
    const accepted: Accepted[] = [];
    const seen = new Set<string>();
    const limits = { ...this.d.quality(), minInterEyePx: this.d.thresholds().minInterEyePx };
    for (const image of req.images) {
      await this.checkOne(image, limits, seen, accepted, files);
      req.onFileChecked?.(files[files.length - 1]!);
    }
    if (accepted.length === 0) return { person: null, files };
    if (this.flagDuplicates(accepted, files, existing?.id ?? null, req.allowDuplicate === true)) {
      return { person: null, files };
    }
    const person = existing ?? { id: randomUUID(), name: req.name.trim() };
    if (this.d.publish) await this.d.publish(this.publication(person, existing, accepted, req));
    else this.commit(person, existing !== undefined, accepted, req);
    return { person, files };
  }

  /** Checks one photo and appends its result (and, when usable, its face) to the lists. */
  private async checkOne(
    image: EnrollImage,
    limits: Parameters<typeof checkEnrolPhoto>[2],
    seen: Set<string>,
    accepted: Accepted[],
    files: EnrollFileResult[],
  ): Promise<void> {
    const file = image.fileName;
    // In memory only, for this request: a stored photo hash would let anyone holding the
    // database and a copy of a photo confirm its subject is enrolled (migration 0170).
    const imageSha256 = createHash('sha256').update(image.bytes).digest('hex');
    if (seen.has(imageSha256)) {
      files.push({ file, status: 'duplicate_image', message: 'Same image given twice.' });
      return;
    }
    seen.add(imageSha256);
    const check = await checkEnrolPhoto(this.d, image, limits);
    if (!check.ok) {
      files.push(check.result);
      return;
    }
    const message = check.warnings.length ? check.warnings.join(' ') : undefined;
    accepted.push({ index: files.length, face: check.face });
    files.push({ file, status: 'enrolled', ...(message ? { message } : {}) });
  }

  /** The person a re-enrolment adds to (undefined for a new person); checks the name. */
  private target(req: EnrollRequest): PersonRef | undefined {
    if (req.personId !== undefined) {
      const p = this.d.people.findById(req.personId);
      if (!p)
        throw new StationError('PERSON_NOT_FOUND', `No enrolled person has id ${req.personId}`);
      return { id: p.id, name: p.name };
    }
    const name = req.name.trim();
    if (name.length === 0) throw new StationError('BAD_REQUEST', 'A name is required.');
    // Every host (the CLI included) comes through here: names are shown again everywhere.
    const problem = plainTextProblem('The name', name, LIMITS.maxNameLength);
    if (problem) throw new StationError('BAD_REQUEST', `${problem}.`);
    return undefined;
  }

  /**
   * The person already enrolled under the request's employee id: returned when the request
   * asked to skip such rows (a bulk re-run), else the request is refused before any work.
   */
  private employeeHolder(req: EnrollRequest): PersonRef | undefined {
    if (req.employeeId === undefined) return undefined;
    const found = this.d.people.findByEmployeeId(req.employeeId);
    if (!found) return undefined;
    if (req.skipEnrolledEmployee === true) return { id: found.id, name: found.name };
    throw new StationError(
      'BAD_REQUEST',
      `Employee id ${req.employeeId} is already enrolled as ${found.name}: add the photos to ` +
        'that person instead, or use another employee id.',
    );
  }

  /**
   * Searches the gallery with every accepted face. Returns true when the request must stop:
   * some face matches another enrolled person and the admin did not allow it. Then the
   * matching files say whom they match and the others are held, so no second identity is
   * created from the photos that happened to score below the threshold.
   */
  private flagDuplicates(
    accepted: Accepted[],
    files: EnrollFileResult[],
    self: string | null,
    allow: boolean,
  ): boolean {
    const threshold = this.d.thresholds().identify;
    const scoring = this.d.scoring();
    const nameOf = (id: string) => this.d.people.findById(id)?.name;
    for (const a of accepted) {
      const matches = this.d.gallery.search(a.face.embedding, undefined, peopleNeeded(scoring));
      const dup = findDuplicate(matches, self, threshold, nameOf, scoring);
      if (dup) a.duplicateOf = dup;
    }
    const dups = accepted.filter((a) => a.duplicateOf);
    if (dups.length === 0) return false;
    for (const a of dups) {
      const m = a.duplicateOf!;
      const f = files[a.index]!;
      // The screens say what to do next (buttons, CLI flags); this says what was found.
      files[a.index] = allow
        ? {
            ...f,
            duplicateOf: m,
            message: `Enrolled although the face matches ${m.name}: allowed as a different person.`,
          }
        : {
            file: f.file,
            status: 'duplicate_person',
            duplicateOf: m,
            message: `The face matches ${m.name}, who is already enrolled. Nothing was enrolled.`,
          };
    }
    if (allow) return false;
    for (const a of accepted) {
      if (a.duplicateOf) continue;
      files[a.index] = {
        file: files[a.index]!.file,
        status: 'held',
        message: 'Usable, but not enrolled: another photo matches an enrolled person.',
      };
    }
    return true;
  }

  private publication(
    person: PersonRef,
    existing: PersonRef | undefined,
    accepted: Accepted[],
    req: EnrollRequest,
  ): EnrolmentPublication {
    const at = this.d.now().toISOString();
    const modelId = this.d.analyzer.modelId;
    return {
      person,
      reEnrol: existing !== undefined,
      ...(existing ? {} : { employeeId: req.employeeId, groups: req.groups }),
      templates: accepted.map((a) => ({
        modelId,
        vector: a.face.embedding,
        interEyePx: a.face.interEyePx,
        createdAt: at,
      })),
      consent: {
        textVersion: CONSENT_TEXT_VERSION,
        purpose: CONSENT_PURPOSE,
        grantedAt: at,
        recordedBy: req.recordedBy,
      },
    };
  }

  private commit(
    person: PersonRef,
    reEnrol: boolean,
    accepted: Accepted[],
    req: EnrollRequest,
  ): void {
    const at = this.d.now().toISOString();
    const { modelId, embeddingSpace } = this.d.analyzer;
    const { recordedBy } = req;
    const consent = {
      textVersion: CONSENT_TEXT_VERSION,
      purpose: CONSENT_PURPOSE,
      grantedAt: at,
      recordedBy,
    };
    this.d.unitOfWork.transaction(() => {
      if (reEnrol) {
        // New photos, new agreement: each enrolment has its own consent record.
        this.d.people.addConsent(person.id, consent);
      } else {
        this.d.people.create(person.id, person.name, at, consent, {
          employeeId: req.employeeId,
          groups: req.groups,
        });
        // Before the audit row below: its subject is derived from this secret.
        this.d.links.create(person.id);
      }
      for (const a of accepted) {
        this.d.templates.add({
          personId: person.id,
          modelId,
          embeddingSpace,
          vector: a.face.embedding,
          interEyePx: a.face.interEyePx,
          createdAt: at,
        });
      }
      const allowedDuplicates = accepted.filter((a) => a.duplicateOf).length;
      this.d.audit.record({
        kind: 'enrolment',
        decision: null,
        personId: person.id,
        similarity: null,
        // No ids or names of the matched person here: audit rows name people only by HMAC.
        details: {
          templates: accepted.length,
          consentVersion: CONSENT_TEXT_VERSION,
          recordedBy,
          ...(reEnrol ? { reEnrolment: true } : {}),
          ...(allowedDuplicates ? { duplicatesAllowed: allowedDuplicates } : {}),
        },
      });
    });
    this.d.gallery.addCommitted(
      accepted.map((a) => ({ personId: person.id, vector: a.face.embedding })),
    );
  }
}
