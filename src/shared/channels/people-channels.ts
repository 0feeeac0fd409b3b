import { z } from 'zod';
import { reviewContract } from '../audit-contract';
import type { ErasureOutcome } from '../audit-review';
import type { EnrollResult, PersonSummary } from '../domain';
import { enrollCaptureContract, type CaptureCheck } from '../enroll-capture-contract';
import { LIMITS } from '../limits';
import {
  employeeIdSchema,
  groupListSchema,
  peopleContract,
  type SchedulesView,
} from '../people-contract';
import { escapeControlCharacters } from '../plain-text';
import { plainTextField, withoutControls } from '../text-fields';
import { defineChannels, returns } from './channel-entry';

const enrollRequest = z
  .object({
    name: plainTextField(LIMITS.maxNameLength),
    /** Must be literally true: consent is explicit, never defaulted. */
    consent: z.literal(true),
    images: z
      .array(
        z
          .object({
            // The page sends a file's name, the CLI the path it read (up to PATH_MAX).
            fileName: withoutControls(z.string().min(1).max(4096)),
            base64: z.string().min(1).max(LIMITS.maxImageBase64),
          })
          .strict(),
      )
      .min(1)
      .max(LIMITS.maxEnrollFiles),
    /** Enrol even when a face matches another enrolled person (the admin confirmed it). */
    allowDuplicate: z.boolean().optional(),
    /** Re-enrolment: add the photos to this enrolled person instead of creating one. */
    personId: plainTextField(64).optional(),
    /** The HR admin's employee id (unique, compared without case) and groups. */
    employeeId: employeeIdSchema.optional(),
    groups: groupListSchema.optional(),
    /**
     * Bulk import: when `employeeId` is already enrolled, report that person and enrol
     * nothing (a re-run resumes); without it such a request is refused.
     */
    skipEnrolledEmployee: z.boolean().optional(),
    /**
     * The images are live captures from this camera (its device label): the station keeps
     * their passive liveness scores for that camera's calibration (scores only).
     */
    // A device names itself: kept with its control characters made visible, as the door
    // stores the same camera's label, so both name one camera in the calibration.
    captureCamera: z.string().min(1).max(200).transform(escapeControlCharacters).optional(),
  })
  .strict();

/** Enrolment, people and their door schedules: the HR admin's. */
export const peopleChannels = defineChannels({
  'people:list': {
    request: z.object({}).strict(),
    response: returns<{ people: PersonSummary[] }>(),
    roles: ['admin'],
    method: 'listPeople',
  },
  'enroll:create': {
    request: enrollRequest,
    response: returns<EnrollResult>(),
    roles: ['admin'],
    method: 'enroll',
  },
  'enroll:check': {
    request: enrollCaptureContract['enroll:check'],
    response: returns<CaptureCheck>(),
    roles: ['admin'],
    method: 'checkCapture',
  },
  'people:erase': {
    request: reviewContract['people:erase'],
    response: returns<ErasureOutcome>(),
    roles: ['admin'],
    method: 'erasePerson',
  },
  'people:update': {
    request: peopleContract['people:update'],
    response: returns<PersonSummary>(),
    roles: ['admin'],
    method: 'updatePerson',
  },
  'schedules:get': {
    request: peopleContract['schedules:get'],
    response: returns<SchedulesView>(),
    roles: ['admin'],
    method: 'schedules',
  },
  'schedules:set': {
    request: peopleContract['schedules:set'],
    response: returns<SchedulesView>(),
    roles: ['admin'],
    method: 'setSchedules',
  },
});
