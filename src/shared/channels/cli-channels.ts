import { z } from 'zod';
import type { AccessReplayView } from '../cli-reports';
import type { DoorStatusView, TerminalDisplay } from '../door-contract';
import type { FaceDecision, PersonRef, PersonSummary } from '../domain';
import { OPERATOR_ROLES, type OperatorRole } from '../operator-roles';
import type { PadEvalReport } from '../pad-eval-types';
import { plainTextField, withoutControls } from '../text-fields';
import { defineChannels, returns } from './channel-entry';

/** The search index families (as gallery/vector-index.ts builds them), or 'auto' = by size. */
export const INDEX_CHOICES = ['flat', 'pq', 'hnsw', 'ivf', 'auto'] as const;
export type IndexChoice = (typeof INDEX_CHOICES)[number];

/** `station gallery stats|rebuild`: the index in use, its size and search parameters. */
export interface GalleryView {
  /** Templates of the gallery's model in the database. */
  templates: number;
  index: {
    kind: Exclude<IndexChoice, 'auto'>;
    dim: number;
    size: number;
    live: number;
    removed: number;
    rebuildRecommended: boolean;
    params: Record<string, number>;
    engine: string;
  };
  indexSetting: IndexChoice;
}

/** `station audit purge`: what the audited retention purge did. */
export interface PurgeView {
  olderThanDays: number;
  cutoff: string;
  purged: number;
  checkpoint: { boundaryId: number; purgedRows: number; at: string } | null;
  auditEventId: number;
  compacted: boolean;
}

/** One image file the CLI read: its path (as given) and bytes (base64, as on every channel). */
const cliImage = z
  .object({
    fileName: z.string().min(1).max(4096),
    // 25 MB files (the CLI's read limit) in base64.
    base64: z.string().min(1).max(35_000_000),
  })
  .strict();

/** `station door show`: the door's settings; each part is the setting as stored (and more). */
export interface DoorSettingsView {
  identity: { id: string; label: string };
  door: { kind: string } & Record<string, unknown>;
  status: DoorStatusView;
  policy: {
    agreeFrames: number;
    maxFaces: number;
    requireLiveness: boolean;
    unlockMs: number;
    lockout: { maxFailures: number; windowMs: number; lockMs: number; floodMaxFailures: number };
    allowedCameraLabels: string[];
  } & Record<string, unknown>;
  liveness: { windowFrames: number; windowMs: number } & Record<string, unknown>;
  challenge: {
    mode: string;
    actions: number;
    allowed: string[];
    timeLimitMs: number;
  } & Record<string, unknown>;
  terminal: TerminalDisplay;
}

/** `station model show`: the embedding model, its space, and who must be re-enrolled. */
export interface EmbeddingModelView {
  /** The manifest file, or 'built-in'. */
  source: string;
  name: string;
  sha256: string;
  licence: string;
  modelId: string;
  embeddingSpace: string;
  dim: number;
  /** Templates in this space (searchable). */
  templates: number;
  /** Templates of other spaces: never compared, kept until their people are re-enrolled or erased. */
  otherSpaces: { embeddingSpace: string; templates: number }[];
  /** People with no template in this space: the door cannot recognise them. */
  reEnrol: PersonRef[];
}

const settingsPart = z.record(z.string(), z.unknown()).optional();

/**
 * A file on the station's own disk, by path. Only CLI channels take one (no page method, so
 * the loopback host never serves them): the local user already reads that disk, and a
 * recording of many megabytes is decoded frame by frame where it lies instead of sent whole.
 */
export const localPath = withoutControls(z.string().min(1).max(4096));

/**
 * Admin operations only the CLI offers (no page method): the local operator's tools. They go
 * through the same dispatch, roles and error envelope as the page's channels.
 */
export const cliChannels = defineChannels({
  /** Exact id, else every person of that name (case-insensitive): the CLI's NAME-or-ID. */
  'people:find': {
    request: z.object({ nameOrId: plainTextField(200) }).strict(),
    response: returns<{ people: PersonSummary[] }>(),
    roles: ['admin'],
    method: undefined,
  },
  'gallery:stats': {
    request: z.object({}).strict(),
    response: returns<GalleryView>(),
    roles: ['admin'],
    method: undefined,
  },
  /** Rebuilds the search index from the database; a given kind is stored (audited) first. */
  'gallery:rebuild': {
    request: z.object({ index: z.enum(INDEX_CHOICES).optional() }).strict(),
    response: returns<GalleryView>(),
    roles: ['admin'],
    method: undefined,
  },
  /** The audited retention purge; absent = the retention setting. */
  'audit:purge': {
    request: z.object({ olderThanDays: z.number().int().min(1).max(99_999).optional() }).strict(),
    response: returns<PurgeView>(),
    roles: ['admin'],
    method: undefined,
  },
  'door:settings': {
    request: z.object({}).strict(),
    response: returns<DoorSettingsView>(),
    roles: ['admin'],
    method: undefined,
  },
  /**
   * Changes door settings: policy, liveness, challenge and terminal merge over the current
   * values; every part is validated before any is written (invalid -> nothing changes).
   */
  'door:set': {
    request: z
      .object({
        policy: settingsPart,
        door: settingsPart,
        liveness: settingsPart,
        challenge: settingsPart,
        identity: settingsPart,
        terminal: settingsPart,
      })
      .strict(),
    response: returns<DoorSettingsView>(),
    roles: ['admin'],
    method: undefined,
  },
  /** 1:N search of every face of one photo (a match, not a door decision). */
  'recognition:identify': {
    request: z.object({ image: cliImage }).strict(),
    response: returns<{ faces: FaceDecision[] }>(),
    roles: ['admin'],
    method: undefined,
  },
  /** 1:1 comparison of the largest face of each photo. */
  'recognition:verify': {
    request: z.object({ a: cliImage, b: cliImage }).strict(),
    response: returns<{ similarity: number; same: boolean; threshold: number }>(),
    roles: ['admin'],
    method: undefined,
  },
  'model:show': {
    request: z.object({}).strict(),
    response: returns<EmbeddingModelView>(),
    roles: ['admin'],
    method: undefined,
  },
  /**
   * Replays a recording through the door decision with a simulated lock; its decisions are
   * audited as replays (never as the real door's).
   */
  'access:replay': {
    request: z
      .object({ video: localPath, maxSeconds: z.number().positive().max(86_400).optional() })
      .strict(),
    response: returns<AccessReplayView>(),
    roles: ['admin'],
    method: undefined,
  },
  /**
   * Judges the labelled recordings and photos of a labels CSV (paths relative to it) with the
   * station's passive liveness; `bands` replace the stored ones for this run only.
   */
  'liveness:pad-eval': {
    request: z
      .object({
        labels: localPath,
        bands: z
          .object({ spoofBelow: z.number().min(0).max(1), clearLiveMin: z.number().min(0).max(1) })
          .strict()
          .refine((b) => b.spoofBelow <= b.clearLiveMin, {
            message: 'spoofBelow must not be above clearLiveMin',
          })
          .optional(),
      })
      .strict(),
    response: returns<PadEvalReport>(),
    roles: ['admin'],
    method: undefined,
  },
  /**
   * The L2-normalised embedding of a photo's largest face (`station calibrate --pairs`). A
   * template in all but name: the admin's only, and never served to the page's hosts.
   */
  'recognition:embed': {
    request: z.object({ image: cliImage }).strict(),
    response: returns<{ embedding: number[] }>(),
    roles: ['admin'],
    method: undefined,
  },
  /**
   * Audits an embedding-model switch the CLI made before the station opened (the folder's
   * choice is read at open), with the space it replaced.
   */
  'model:record-switch': {
    request: z.object({ previousSpace: z.string().min(1).max(300) }).strict(),
    response: returns<{ auditEventId: number }>(),
    roles: ['admin'],
    method: undefined,
  },
  /** Sets (or with null removes) a role's passphrase; the length rules are the service's. */
  'operator:passphrase': {
    request: z
      .object({ role: z.enum(OPERATOR_ROLES), passphrase: z.string().max(8192).nullable() })
      .strict(),
    response: returns<{ role: OperatorRole; auth: 'open' | 'protected' }>(),
    roles: ['admin'],
    method: undefined,
  },
});
