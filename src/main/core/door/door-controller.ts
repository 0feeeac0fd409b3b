/**
 * The door hardware behind one interface. Every implementation must be fail-secure: when it
 * cannot confirm that the command reached the lock, it reports failure and the caller treats the
 * door as closed. Nothing here decides who may enter; `DoorActuator` only executes decisions.
 */

export type DoorControllerKind = 'simulated' | 'webhook' | 'serial';

export interface UnlockCommand {
  /** How long the lock stays released, in milliseconds. */
  durationMs: number;
  /** Opaque id of the decision that asked for it (the audit row id), for the controller's log. */
  decisionRef: string;
}

export interface DoorCommandResult {
  ok: boolean;
  /** Attempts made (webhook retries count here). */
  attempts: number;
  /** Why it failed, in plain words; null on success. */
  error: string | null;
}

export interface DoorController {
  readonly kind: DoorControllerKind;
  unlock(cmd: UnlockCommand): Promise<DoorCommandResult>;
  /** Re-lock now (end of unlock window, or an operator action). */
  lock(): Promise<DoorCommandResult>;
}

export function commandOk(attempts = 1): DoorCommandResult {
  return { ok: true, attempts, error: null };
}

export function commandFailed(error: string, attempts = 1): DoorCommandResult {
  return { ok: false, attempts, error };
}
