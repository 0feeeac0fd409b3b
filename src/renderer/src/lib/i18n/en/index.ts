import { audit } from './audit';
import { calibration } from './calibration';
import { common } from './common';
import { enroll } from './enroll';
import { terminal } from './terminal';

/**
 * The source catalogue (English). One part per area so helpers working on different views add
 * keys in different files; the parts' keys are prefixed by area and never collide.
 */
export const en = { ...common, ...terminal, ...enroll, ...audit, ...calibration } as const;

export const enParts = { common, terminal, enroll, audit, calibration } as const;
