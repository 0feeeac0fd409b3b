/**
 * Limits enforced at the boundary, before any decoding work is done. A zod-free module so the
 * renderer can use them without bundling zod (whose eval probe trips the renderer's CSP).
 */
export const LIMITS = {
  maxEnrollFiles: 10,
  /** Base64 characters per enrolment image (about 15 MB decoded). */
  maxImageBase64: 20_000_000,
  maxNameLength: 120,
  /** Largest frame region the renderer may send (RGBA bytes = w*h*4). */
  maxRegionPixels: 1920 * 1080,
  maxFacesPerFrame: 32,
} as const;

/** Photos per calibration upload batch: one IPC message stays within the host's body limit. */
export const CALIBRATION_BATCH_FILES = LIMITS.maxEnrollFiles;

/** Photo files a calibration folder contributes (view picker and CLI alike); others are counted. */
export const CALIBRATION_PHOTO_FILE = /\.(jpe?g|png|webp)$/i;

/** BPCER targets the liveness calibration offers: the share of live people not clearly live. */
export const PAD_BPCER_TARGETS = [0.05, 0.1, 0.2, 0.3] as const;
