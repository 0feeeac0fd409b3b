/**
 * Operator roles and the one channel -> role map dispatch() enforces. Pure data, no runtime
 * deps, so main, the preload and the renderer share it.
 */
import type { Channel } from './contract';

export const OPERATOR_ROLES = ['admin', 'reviewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** 'open' = no passphrase set yet: the role's channels answer anyone (first run). */
export type RoleProtection = 'open' | 'protected';
export type AuthStatus = Record<OperatorRole, RoleProtection>;

/** Header the browser-mode client sends its operator session token in. */
export const SESSION_HEADER = 'x-station-session';

export const AUTH_LIMITS = {
  minPassphraseLength: 10,
  maxPassphraseLength: 1024,
  /** Idle time after which a session ends (each authorised call renews it). */
  sessionIdleMs: 15 * 60 * 1000,
  /** Failed logins per role within the window that lock the role... */
  maxFailures: 5,
  failureWindowMs: 60 * 1000,
  /** ...for this long. */
  lockMs: 60 * 1000,
} as const;

/**
 * Which roles may call each channel; an empty list = the terminal's channels, open to the
 * screen at the door. `Record<Channel, ...>` makes a new channel a compile error until it is
 * placed here, so nothing becomes reachable by omission.
 */
export const CHANNEL_ROLES: Record<Channel, readonly OperatorRole[]> = {
  'station:status': [],
  'access:frame': [],
  'camera:report': [],
  'door:status': [],
  'door:state': [],
  // Allowing a camera, lifting lockouts and the terminal's cues change how the door decides.
  'door:admin': ['admin'],
  'models:detector': [],
  'auth:login': [],
  'auth:logout': [],
  'enroll:create': ['admin'],
  'enroll:check': ['admin'],
  'people:erase': ['admin'],
  'people:list': ['admin'],
  'audit:query': ['reviewer', 'admin'],
  'audit:export': ['reviewer', 'admin'],
  'audit:detail': ['reviewer', 'admin'],
  'audit:verify': ['reviewer', 'admin'],
  'audit:recent': ['reviewer', 'admin'],
  'audit:doors': ['reviewer', 'admin'],
  // Calibration reads every template and can change the thresholds the door decides by.
  'calibration:upload': ['admin'],
  'calibration:run': ['admin'],
  'calibration:adopt': ['admin'],
  'people:update': ['admin'],
  'schedules:get': ['admin'],
  'schedules:set': ['admin'],
  'audit:since': ['reviewer', 'admin'],
  'audit:attendance': ['reviewer', 'admin'],
  // The site: its state is the admin's (and the reviewer's, who reads its log); the log is the
  // reviewer's, as this station's own.
  'site:status': ['admin', 'reviewer'],
  'site:overview': ['admin'],
  'site:sync': ['admin'],
  'site:audit-query': ['reviewer', 'admin'],
  'site:audit-verify': ['reviewer', 'admin'],
  // Changes the liveness bands the door decides by.
  'calibration:pad-run': ['admin'],
  'calibration:pad-adopt': ['admin'],
};
