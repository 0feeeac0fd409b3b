import { createHash, randomUUID } from 'node:crypto';
import { CONSENT_PURPOSE, CONSENT_TEXT_VERSION } from '../../../shared/consent';
import type { EnrollFileResult, EnrollResult, Thresholds } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import type { Db } from '../../db/connection';
import type { PeopleRepository } from '../../db/people.repository';
import type { PersonLinksRepository } from '../../db/person-links.repository';
import type { TemplatesRepository } from '../../db/templates.repository';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { Gallery } from '../gallery/gallery.service';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';
import type { FaceAnalysis } from '../vision/vision.types';

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
}

interface Accepted {
  face: FaceAnalysis;
  imageSha256: string;
}

export interface EnrollmentDeps {
  db: Db;
  people: PeopleRepository;
  /** Link secrets behind audit subjects: created with the person, destroyed by erasure. */
  links: PersonLinksRepository;
  templates: TemplatesRepository;
  gallery: Gallery;
  analyzer: FaceAnalyzer;
  decode: ImageDecoder;
  audit: AuditRecorder;
  thresholds: () => Thresholds;
  now: () => Date;
}

/**
 * Enrols one person from 1-10 photos. Each file gets its own outcome; the person, the consent
 * record and all accepted templates are written in ONE transaction, or nothing is written.
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
    const name = req.name.trim();
    if (name.length === 0) throw new StationError('BAD_REQUEST', 'A name is required.');
    const files: EnrollFileResult[] = [];
    const accepted: Accepted[] = [];
    const seen = new Set<string>();
    for (const image of req.images) {
      const result = await this.assess(image, seen);
      files.push(result.file);
      if (result.accepted) accepted.push(result.accepted);
    }
    if (accepted.length === 0) return { person: null, files };
    const person = { id: randomUUID(), name };
    this.commit(person, accepted, req.recordedBy);
    return { person, files };
  }

  private async assess(
    image: EnrollImage,
    seen: Set<string>,
  ): Promise<{ file: EnrollFileResult; accepted?: Accepted }> {
    const file = image.fileName;
    const imageSha256 = createHash('sha256').update(image.bytes).digest('hex');
    if (seen.has(imageSha256))
      return { file: { file, status: 'duplicate_image', message: 'Same image given twice.' } };
    seen.add(imageSha256);
    let faces: FaceAnalysis[];
    try {
      faces = await this.d.analyzer.analyzeImage(await this.d.decode(image.bytes, file));
    } catch (err) {
      if (err instanceof StationError && err.code === 'IMAGE_TOO_LARGE') {
        return { file: { file, status: 'too_large', message: err.message } };
      }
      if (err instanceof StationError && err.code === 'UNREADABLE_IMAGE') {
        return { file: { file, status: 'unreadable', message: err.message } };
      }
      throw err;
    }
    const [face, ...others] = faces;
    if (!face) return { file: { file, status: 'no_face', message: 'No face found.' } };
    if (others.length > 0) {
      return {
        file: {
          file,
          status: 'multiple_faces',
          message: `${faces.length} faces found; use a photo of one person.`,
        },
      };
    }
    const min = this.d.thresholds().minInterEyePx;
    if (face.interEyePx < min) {
      const message = `Face too small (eyes ${face.interEyePx.toFixed(0)} px apart, need ${min}).`;
      return { file: { file, status: 'too_small', message } };
    }
    return { file: { file, status: 'enrolled' }, accepted: { face, imageSha256 } };
  }

  private commit(
    person: { id: string; name: string },
    accepted: Accepted[],
    recordedBy: string,
  ): void {
    const at = this.d.now().toISOString();
    const modelId = this.d.analyzer.modelId;
    this.d.db.transaction(() => {
      this.d.people.create(person.id, person.name, at, {
        textVersion: CONSENT_TEXT_VERSION,
        purpose: CONSENT_PURPOSE,
        grantedAt: at,
        recordedBy,
      });
      // Before the audit row below: its subject is derived from this secret.
      this.d.links.create(person.id);
      for (const a of accepted) {
        this.d.templates.add({
          personId: person.id,
          modelId,
          vector: a.face.embedding,
          imageSha256: a.imageSha256,
          interEyePx: a.face.interEyePx,
          createdAt: at,
        });
      }
      this.d.audit.record({
        kind: 'enrolment',
        decision: null,
        personId: person.id,
        similarity: null,
        details: { templates: accepted.length, consentVersion: CONSENT_TEXT_VERSION, recordedBy },
      });
    })();
    this.d.gallery.addCommitted(
      accepted.map((a) => ({ personId: person.id, vector: a.face.embedding })),
    );
  }
}
