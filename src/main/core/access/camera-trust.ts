import { escapeControlCharacters } from '../../../shared/plain-text';

/**
 * Software cameras let an attacker feed any video without a screen in front of the lens, so they
 * are refused by label unless an admin allowed that device. A label can be renamed, which is why
 * liveness and frame-timing checks still run on every frame.
 */
const VIRTUAL_CAMERA_PATTERNS: readonly RegExp[] = [
  /\bobs\b/i,
  /obs[- ]?virtual/i,
  /v4l2[- ]?loopback/i,
  /dummy video device/i,
  /manycam/i,
  /snap camera/i,
  /xsplit/i,
  /camtwist/i,
  /e2esoft|vcam/i,
  /splitcam/i,
  /mmhmm/i,
  /droidcam/i,
  /iriun/i,
  /epoccam/i,
  /youcam/i,
  /nvidia broadcast/i,
  /virtual/i,
  /fake/i,
  // Chromium's --use-file-for-fake-video-capture names the device after the video file: a
  // label that is a file path is a recording being injected, whatever the file is called.
  /\.(y4m|mjpe?g)$/i,
  /^(\/|[a-z]:\\)/i,
];

export interface CameraTrust {
  trusted: boolean;
  reason: string | null;
}

export function judgeCamera(label: string, allowedLabels: readonly string[]): CameraTrust {
  const trimmed = label.trim();
  if (allowedLabels.includes(trimmed)) return { trusted: true, reason: null };
  if (trimmed === '')
    return {
      trusted: false,
      reason: 'camera has no label (permission not granted or hidden device)',
    };
  const hit = VIRTUAL_CAMERA_PATTERNS.find((p) => p.test(trimmed));
  return hit
    ? {
        trusted: false,
        reason: `"${escapeControlCharacters(trimmed)}" looks like a virtual camera; an admin must allow it explicitly`,
      }
    : { trusted: true, reason: null };
}
