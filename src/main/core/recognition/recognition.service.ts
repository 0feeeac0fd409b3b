import type { BoxTuple, FaceDecision, PersonRef, Thresholds } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import type { PeopleStore } from '../ports/people-store';
import { decideFace } from '../access/door-decision-engine';
import type { FaceEvidence } from '../access/door-decision.types';
import { dot } from '../vision/embedding-math';
import type { Gallery } from '../gallery/gallery.service';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';
import { largestFace } from '../vision/face-choice';
import type { FaceAnalysis, FaceBox } from '../vision/vision.types';
import { identifyScore, peopleNeeded, type IdentifyScoring } from './identify-scoring';

export interface VerifyResult {
  similarity: number;
  same: boolean;
  threshold: number;
}

export interface RecognitionDeps {
  people: PeopleStore;
  gallery: Gallery;
  analyzer: FaceAnalyzer;
  decode: ImageDecoder;
  thresholds: () => Thresholds;
  /** How the identify threshold's score is made (settings; see identify-scoring.ts). */
  scoring: () => IdentifyScoring;
}

/** 1:N identification and 1:1 verification over whole images (CLI, bulk use). */
export class RecognitionService {
  constructor(private readonly d: RecognitionDeps) {}

  /** How the door turns a search into its identify score (adopted, else the space's default). */
  scoring(): IdentifyScoring {
    return this.d.scoring();
  }

  /** Gallery matches for one face, with names resolved (names never leave main otherwise). */
  evidence(face: FaceAnalysis): FaceEvidence {
    const scoring = this.d.scoring();
    const found = this.d.gallery.search(face.embedding, undefined, peopleNeeded(scoring));
    const matches = found.flatMap((m) => {
      const p = this.d.people.findById(m.personId);
      return p
        ? [{ person: { id: p.id, name: p.name } satisfies PersonRef, similarity: m.similarity }]
        : [];
    });
    const score = identifyScore(
      found.map((m) => m.similarity),
      0,
      scoring,
    );
    return { interEyePx: face.interEyePx, matches, ...(found.length > 0 ? { score } : {}) };
  }

  /** Every face of an image file's bytes, analysed (decode errors are StationErrors). */
  async analyzeFile(bytes: Buffer, fileName: string): Promise<FaceAnalysis[]> {
    return this.d.analyzer.analyzeImage(await this.d.decode(bytes, fileName));
  }

  async identify(bytes: Buffer, fileName: string): Promise<FaceDecision[]> {
    const faces = await this.analyzeFile(bytes, fileName);
    const t = this.d.thresholds();
    return faces.map((face) => {
      const v = decideFace(this.evidence(face), t);
      return {
        box: boxTuple(face.box),
        person: v.person,
        similarity: round4(v.similarity),
        decision: v.decision,
      };
    });
  }

  async verify(
    a: { bytes: Buffer; fileName: string },
    b: { bytes: Buffer; fileName: string },
  ): Promise<VerifyResult> {
    const [fa, fb] = await Promise.all([
      this.mainFace(a.bytes, a.fileName),
      this.mainFace(b.bytes, b.fileName),
    ]);
    const threshold = this.d.thresholds().verify;
    const similarity = round4(dot(fa.embedding, fb.embedding));
    return { similarity, same: similarity >= threshold, threshold };
  }

  /** The largest face of an image; verification of a photo with no face is an error, not "different". */
  private async mainFace(bytes: Buffer, fileName: string): Promise<FaceAnalysis> {
    const faces = await this.analyzeFile(bytes, fileName);
    const largest = largestFace(faces);
    if (!largest) throw new StationError('NO_FACE', `No face found in ${fileName}.`);
    return largest;
  }
}

export function boxTuple(b: Omit<FaceBox, 'score'>): BoxTuple {
  return [Math.round(b.x1), Math.round(b.y1), Math.round(b.x2), Math.round(b.y2)];
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
