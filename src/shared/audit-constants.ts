/** Distinct doors one listing returns; a station drives one door, a log a handful over time. */
export const MAX_DOORS = 200;
/** Subjects one query may name (each person has 1, or 2 if enrolled before 0030). */
export const MAX_SUBJECTS = 16;
/** prev_mac of the very first audit row: a fixed value, so the chain has a known start. */
export const AUDIT_GENESIS_MAC = '0'.repeat(64);
