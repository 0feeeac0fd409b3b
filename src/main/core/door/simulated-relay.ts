import { commandOk, type DoorCommandResult, type DoorController } from './door-controller';

/**
 * The default controller: no hardware, but a real state the terminal shows ("door open" for the
 * unlock duration), so a site can run the whole station before wiring a lock.
 */
export class SimulatedRelay implements DoorController {
  readonly kind = 'simulated' as const;
  private unlocks = 0;

  unlock(): Promise<DoorCommandResult> {
    this.unlocks += 1;
    return Promise.resolve(commandOk());
  }

  lock(): Promise<DoorCommandResult> {
    return Promise.resolve(commandOk());
  }

  /** How many unlock commands it received (the CLI and tests report it). */
  get unlockCount(): number {
    return this.unlocks;
  }
}
