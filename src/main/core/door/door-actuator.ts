import type { AuditRecorder } from '../audit/audit-recorder';
import type { DoorCommandResult, DoorController, DoorControllerKind } from './door-controller';

export type DoorState = 'locked' | 'unlocked' | 'fault';

export interface DoorStatus {
  state: DoorState;
  controller: DoorControllerKind;
  /** ISO time the current unlock ends; null unless unlocked. */
  unlockedUntil: string | null;
  /** Last controller failure in plain words (the door stayed locked). */
  lastError: string | null;
  /** The audit row of the grant the door is (or was last) unlocked for. */
  decisionRef: string | null;
}

export interface DoorActuatorDeps {
  controller: DoorController;
  audit: AuditRecorder;
  now: () => Date;
  /** The door id every command row carries (`details.door`); null for a replay's relay. */
  doorId: () => string | null;
  /** Told after every change of state (unlocked, re-locked, fault): the terminal's screen. */
  onChange?: (status: DoorStatus) => void;
}

/**
 * Executes the access decision on the lock and audits every command. Fail-secure: a failed
 * unlock leaves the door locked in state 'fault'; a failed re-lock is audited and shown as
 * 'fault' for the operator rather than retried.
 */
export class DoorActuator {
  private status: DoorStatus;
  private relockTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: DoorActuatorDeps) {
    this.status = {
      state: 'locked',
      controller: d.controller.kind,
      unlockedUntil: null,
      lastError: null,
      decisionRef: null,
    };
  }

  current(): DoorStatus {
    return { ...this.status };
  }

  /** Unlocks for `durationMs` on behalf of one granted decision. Resolves when the lock answered. */
  async unlock(opts: {
    durationMs: number;
    decisionRef: string;
    personId: string | null;
  }): Promise<DoorCommandResult> {
    const result = await this.d.controller.unlock({
      durationMs: opts.durationMs,
      decisionRef: opts.decisionRef,
    });
    this.auditCommand('unlock', result, opts.personId, {
      durationMs: opts.durationMs,
      decisionRef: opts.decisionRef,
    });
    if (!result.ok) {
      this.update({
        state: 'fault',
        unlockedUntil: null,
        lastError: result.error,
        decisionRef: opts.decisionRef,
      });
      return result;
    }
    const until = new Date(this.d.now().getTime() + opts.durationMs);
    this.scheduleRelock(opts.durationMs);
    this.update({
      state: 'unlocked',
      unlockedUntil: until.toISOString(),
      lastError: null,
      decisionRef: opts.decisionRef,
    });
    return result;
  }

  /** Ends the unlock window now (timer expiry, operator action, shutdown). */
  async relock(reason: 'timer' | 'operator' | 'shutdown'): Promise<DoorCommandResult> {
    this.clearTimer();
    const result = await this.d.controller.lock();
    this.auditCommand('lock', result, null, { reason });
    this.update(
      result.ok
        ? { state: 'locked', unlockedUntil: null, lastError: null }
        : { state: 'fault', unlockedUntil: null, lastError: result.error },
    );
    return result;
  }

  /**
   * Shutdown. A door still unlocked is locked now (fail-secure: a serial relay would otherwise
   * stay energised); not audited, because the log is closing with the station.
   */
  dispose(): void {
    this.clearTimer();
    if (this.status.state !== 'unlocked') return;
    this.status = { ...this.status, state: 'locked', unlockedUntil: null };
    this.d.controller.lock().catch((err: unknown) => {
      console.error('[door] lock at shutdown failed:', err);
    });
  }

  private scheduleRelock(ms: number): void {
    this.clearTimer();
    this.relockTimer = setTimeout(() => {
      // A timer has no caller to report to: a failure (lock unreachable, audit log closed at
      // shutdown) is logged, never an unhandled rejection that would take the process down.
      this.relock('timer').catch((err: unknown) => {
        this.update({ state: 'fault', unlockedUntil: null, lastError: String(err) });
        console.error('[door] re-lock after the unlock window failed:', err);
      });
    }, ms);
    // A pending re-lock must not keep a CLI process alive; the lock times out on its own too.
    this.relockTimer.unref();
  }

  private update(change: Partial<DoorStatus>): void {
    this.status = { ...this.status, ...change };
    try {
      this.d.onChange?.({ ...this.status });
    } catch (err) {
      // A listener (the screen) must never stop the lock from being driven.
      console.error('[door] state listener failed:', err);
    }
  }

  private clearTimer(): void {
    if (this.relockTimer) clearTimeout(this.relockTimer);
    this.relockTimer = null;
  }

  private auditCommand(
    command: 'unlock' | 'lock',
    r: DoorCommandResult,
    personId: string | null,
    extra: Record<string, unknown>,
  ): void {
    const door = this.d.doorId();
    this.d.audit.record({
      kind: 'door',
      decision: null,
      personId,
      similarity: null,
      details: {
        ...(door === null ? {} : { door }),
        command,
        controller: this.d.controller.kind,
        ok: r.ok,
        attempts: r.attempts,
        error: r.error,
        ...extra,
      },
    });
  }
}
