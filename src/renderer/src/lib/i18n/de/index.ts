import type { Translation } from '../message-types';
import type { en } from '../en';
import { audit_de } from './audit';
import { calibration_de } from './calibration';
import { common_de } from './common';
import { enroll_de } from './enroll';
import { terminal_de } from './terminal';

/** German: every key of the English source (Translation<> makes a missing key a type error). */
export const de: Translation<typeof en> = {
  ...common_de,
  ...terminal_de,
  ...enroll_de,
  ...audit_de,
  ...calibration_de,
};
