import { z } from 'zod';
import { withoutControls } from '../../../shared/text-fields';

/** A weekly time window in the station's local time: days 1 = Monday .. 7 = Sunday. */
const weeklyWindow = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
    to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
  })
  .strict();

const scheduleName = withoutControls(z.string().min(1).max(64));

const groupName = withoutControls(z.string().min(1).max(64));

/**
 * 20 refusals of anyone in a minute: four times what locks one face, so a single stranger (or
 * one person having a bad day) never pauses the door for everyone; a crowd of attempts does.
 */
const DEFAULT_FLOOD_FAILURES = 20;

/**
 * Everything the door decision depends on besides the recognition thresholds. Stored as one
 * validated settings value; an invalid stored value falls back to these defaults (deny-leaning).
 */
export const accessPolicySchema = z
  .object({
    /** Analysed frames of one tracked face that must agree on the same person before granting. */
    agreeFrames: z.number().int().min(1).max(30),
    /** Frames after which a face with no settled identity or liveness is refused. */
    maxFramesPerDecision: z.number().int().min(2).max(300),
    /** More faces than this in the region of interest -> "one person at a time". */
    maxFaces: z.number().int().min(1).max(10),
    /** Liveness must say "live" before the door opens (turn off only for a supervised desk). */
    requireLiveness: z.boolean(),
    unlockMs: z.number().int().min(500).max(60_000),
    lockout: z
      .object({
        /** Refusals of one face (unknown, spoof, challenge) within `windowMs` that lock it out. */
        maxFailures: z.number().int().min(1).max(1000),
        windowMs: z.number().int().min(1_000).max(3_600_000),
        lockMs: z.number().int().min(1_000).max(3_600_000),
        /**
         * Refusals of anyone within `windowMs` that pause the whole terminal: a flood guard
         * only (many faces probing at once). Absent in policies stored before it existed.
         */
        floodMaxFailures: z.number().int().min(2).max(10_000).default(DEFAULT_FLOOD_FAILURES),
      })
      .strict(),
    /** Named weekly schedules; a person or group without one is always allowed. */
    schedules: z.record(scheduleName, z.array(weeklyWindow).max(50)),
    /** Person id -> schedule name. */
    personSchedules: z.record(z.string().min(1), scheduleName),
    /** Group name -> member person ids, and group name -> schedule name. */
    groups: z.record(groupName, z.array(z.string().min(1)).max(100_000)),
    groupSchedules: z.record(groupName, scheduleName),
    /** IANA time zone the schedules are written in; null = the machine's zone. */
    timeZone: z.string().min(1).max(64).nullable(),
    /** Camera labels an admin explicitly allowed even though they look virtual. */
    allowedCameraLabels: z.array(z.string().min(1).max(200)).max(50),
  })
  .strict()
  .superRefine((p, ctx) => {
    const names = new Set(Object.keys(p.schedules));
    for (const [who, s] of [
      ...Object.entries(p.personSchedules),
      ...Object.entries(p.groupSchedules),
    ])
      if (!names.has(s))
        ctx.addIssue({ code: 'custom', message: `${who} refers to unknown schedule "${s}"` });
  });

export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/**
 * Defaults. agreeFrames 3: one frame can be a lucky match of a look-alike; three agreeing frames
 * of the same track cut that without adding much latency (~100-200 ms at the terminal's rate).
 */
export const DEFAULT_ACCESS_POLICY: AccessPolicy = {
  agreeFrames: 3,
  maxFramesPerDecision: 60,
  maxFaces: 1,
  requireLiveness: true,
  unlockMs: 3_000,
  lockout: {
    maxFailures: 5,
    windowMs: 60_000,
    lockMs: 60_000,
    floodMaxFailures: DEFAULT_FLOOD_FAILURES,
  },
  schedules: {},
  personSchedules: {},
  groups: {},
  groupSchedules: {},
  timeZone: null,
  allowedCameraLabels: [],
};
