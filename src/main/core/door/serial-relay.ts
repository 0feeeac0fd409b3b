import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  commandFailed,
  commandOk,
  type DoorCommandResult,
  type DoorController,
} from './door-controller';

export interface SerialRelayOptions {
  /** Character device of the USB relay, e.g. /dev/ttyUSB0 (configure 9600 8N1 with stty once). */
  devicePath: string;
  /** Relay channel on multi-channel boards (1-based). */
  channel: number;
  timeoutMs: number;
}

/**
 * The common CH340 "LCUS" USB relay protocol: four bytes `A0 <channel> <state> <checksum>`,
 * checksum = sum of the first three bytes mod 256. We write directly to the device node (no
 * native serial package to build per Electron ABI); a write that fails or stalls is a failure,
 * so the door stays locked.
 */
export class SerialRelay implements DoorController {
  readonly kind = 'serial' as const;

  constructor(private readonly o: SerialRelayOptions) {
    if (!Number.isInteger(o.channel) || o.channel < 1 || o.channel > 8)
      throw new RangeError('relay channel must be 1..8');
  }

  unlock(): Promise<DoorCommandResult> {
    return this.write(relayFrame(this.o.channel, true));
  }

  lock(): Promise<DoorCommandResult> {
    return this.write(relayFrame(this.o.channel, false));
  }

  private async write(frame: Buffer): Promise<DoorCommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DoorCommandResult>((resolve) => {
      timer = setTimeout(
        () => resolve(commandFailed(`relay ${this.o.devicePath} did not accept the command`)),
        this.o.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.writeFrame(frame), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async writeFrame(frame: Buffer): Promise<DoorCommandResult> {
    try {
      // O_NOCTTY: the relay must never become our controlling terminal.
      const fh = await open(
        this.o.devicePath,
        constants.O_WRONLY | constants.O_NOCTTY | constants.O_APPEND,
      );
      try {
        const { bytesWritten } = await fh.write(frame);
        if (bytesWritten !== frame.length)
          return commandFailed(`relay ${this.o.devicePath}: short write`);
        return commandOk();
      } finally {
        await fh.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return commandFailed(`relay ${this.o.devicePath} unavailable (${code})`);
    }
  }
}

export function relayFrame(channel: number, on: boolean): Buffer {
  const bytes = [0xa0, channel, on ? 1 : 0];
  return Buffer.from([...bytes, bytes.reduce((a, b) => a + b, 0) & 0xff]);
}
