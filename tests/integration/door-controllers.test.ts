import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditRecorder } from '../../src/main/core/audit/audit-recorder';
import { IdentityHasher } from '../../src/main/core/audit/identity-hasher';
import { DoorActuator } from '../../src/main/core/door/door-actuator';
import { relayFrame, SerialRelay } from '../../src/main/core/door/serial-relay';
import { SimulatedRelay } from '../../src/main/core/door/simulated-relay';
import { WebhookDoor } from '../../src/main/core/door/webhook-door';
import { verifyWebhook } from '../../src/main/core/door/webhook-signature';
import { auditLogOver } from '../../src/main/composition/audit-log';
import type { AuditLog } from '../../src/main/core/audit/audit-log';
import { type Db } from '../../src/main/db/connection';
import { mkfifoSync } from '../support/fifo';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real HTTP server on loopback standing in for the door's webhook receiver. */
async function receiver(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/door`, server };
}

const secret = randomBytes(32);
let servers: Server[] = [];
let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('station-door-');
});
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  tmp.cleanup();
});

async function webhook(
  handler: Handler,
  over: Partial<ConstructorParameters<typeof WebhookDoor>[0]> = {},
) {
  const r = await receiver(handler);
  servers.push(r.server);
  return new WebhookDoor({
    url: r.url,
    secret,
    timeoutMs: 1_000,
    attempts: 3,
    backoffMs: 10,
    stationId: 'door-1',
    ...over,
  });
}

describe('WebhookDoor against a real local HTTP server', () => {
  it('sends a signed unlock that the receiver verifies', async () => {
    const seen: { ok: boolean; body: Record<string, unknown> }[] = [];
    const door = await webhook((req, body, res) => {
      const ok = verifyWebhook({
        secret,
        body,
        signature: req.headers['x-station-signature'] as string | undefined,
        timestamp: req.headers['x-station-timestamp'] as string | undefined,
        nowMs: Date.now(),
        maxAgeMs: 30_000,
      });
      seen.push({ ok, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(ok ? 204 : 401).end();
    });
    await expect(door.unlock({ durationMs: 3000, decisionRef: '42' })).resolves.toEqual({
      ok: true,
      attempts: 1,
      error: null,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.ok).toBe(true);
    expect(seen[0]?.body).toMatchObject({
      action: 'unlock',
      durationMs: 3000,
      decisionRef: '42',
      station: 'door-1',
    });
  });

  it('a receiver with another secret refuses, and that is final (no retry on 4xx)', async () => {
    let calls = 0;
    const door = await webhook((req, body, res) => {
      calls += 1;
      const ok = verifyWebhook({
        secret: randomBytes(32),
        body,
        signature: req.headers['x-station-signature'] as string | undefined,
        timestamp: req.headers['x-station-timestamp'] as string | undefined,
        nowMs: Date.now(),
        maxAgeMs: 30_000,
      });
      res.writeHead(ok ? 204 : 401).end();
    });
    const r = await door.unlock({ durationMs: 3000, decisionRef: '1' });
    expect(r).toEqual({ ok: false, attempts: 1, error: 'door webhook answered HTTP 401' });
    expect(calls).toBe(1);
  });

  it('retries 5xx with the same request id and succeeds on a later attempt', async () => {
    const ids: unknown[] = [];
    const door = await webhook((_req, body, res) => {
      ids.push((JSON.parse(body) as { requestId: unknown }).requestId);
      res.writeHead(ids.length < 3 ? 503 : 200).end();
    });
    expect(await door.unlock({ durationMs: 1000, decisionRef: '7' })).toEqual({
      ok: true,
      attempts: 3,
      error: null,
    });
    expect(new Set(ids).size).toBe(1);
  });

  it('fails secure when the receiver never answers (timeout on every attempt)', async () => {
    const door = await webhook(() => undefined, { timeoutMs: 150, attempts: 2 });
    const r = await door.unlock({ durationMs: 1000, decisionRef: '8' });
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(2);
    expect(r.error).toBe('door webhook did not answer within 150 ms');
  });

  it('fails secure when nothing listens on the port', async () => {
    const r0 = await receiver((_q, _b, res) => res.end());
    const url = r0.url;
    await new Promise((r) => r0.server.close(r));
    const door = new WebhookDoor({
      url,
      secret,
      timeoutMs: 500,
      attempts: 2,
      backoffMs: 5,
      stationId: 'd',
    });
    const r = await door.unlock({ durationMs: 1000, decisionRef: '9' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^door webhook unreachable/);
  });

  it('a replayed request is refused by the receiver once it is older than the window', () => {
    const ts = Date.now() - 60_000;
    const body = '{"action":"unlock"}';
    const sig = `sha256=${'0'.repeat(64)}`;
    expect(
      verifyWebhook({
        secret,
        body,
        signature: sig,
        timestamp: String(ts),
        nowMs: Date.now(),
        maxAgeMs: 30_000,
      }),
    ).toBe(false);
  });
});

describe('SerialRelay', () => {
  it('writes the LCUS relay frames to the device node', async () => {
    // A FIFO behaves like a character device: the write blocks until the "relay" reads.
    const dev = join(tmp.dir, 'ttyUSB-test');
    mkfifoSync(dev);
    const relay = new SerialRelay({ devicePath: dev, channel: 1, timeoutMs: 2_000 });
    const reader = import('node:fs/promises').then(async (fs) => {
      const fh = await fs.open(dev, 'r');
      const chunks: Buffer[] = [];
      for (;;) {
        const { bytesRead, buffer } = await fh.read(Buffer.alloc(16), 0, 16, null);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
      }
      await fh.close();
      return Buffer.concat(chunks);
    });
    expect((await relay.unlock()).ok).toBe(true);
    expect(await reader).toEqual(Buffer.from([0xa0, 0x01, 0x01, 0xa2]));
    expect(relayFrame(2, false)).toEqual(Buffer.from([0xa0, 0x02, 0x00, 0xa2]));
  });

  it('fails secure when the device is missing', async () => {
    const relay = new SerialRelay({
      devicePath: join(tmp.dir, 'nope'),
      channel: 1,
      timeoutMs: 500,
    });
    expect(await relay.unlock()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unavailable \(ENOENT\)/) as string,
    });
  });

  it('fails secure when the device never accepts the bytes', async () => {
    const dev = join(tmp.dir, 'stuck');
    mkfifoSync(dev); // nobody reads: open() blocks
    const relay = new SerialRelay({ devicePath: dev, channel: 1, timeoutMs: 200 });
    expect(await relay.unlock()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/did not accept/) as string,
    });
    // Release the blocked open (a reader appears and leaves) so no worker thread stays stuck.
    closeSync(openSync(dev, constants.O_RDONLY | constants.O_NONBLOCK));
  });
});

describe('DoorActuator', () => {
  function recorder(): { db: Db; audit: AuditRecorder; log: AuditLog } {
    const db = openDatabase(join(tmp.dir, 'station.db'));
    const log = auditLogOver(db, new AuditMac(randomBytes(32)));
    const audit = new AuditRecorder(
      log,
      new IdentityHasher(randomBytes(32), () => undefined),
      () => new Date(),
    );
    return { db, audit, log };
  }

  it('unlocks, shows the state, re-locks when the window ends, and audits both commands', async () => {
    const { db, audit, log } = recorder();
    const relay = new SimulatedRelay();
    const door = new DoorActuator({
      controller: relay,
      audit,
      now: () => new Date(),
      doorId: () => 'lobby',
    });
    expect(door.current().state).toBe('locked');
    await door.unlock({ durationMs: 100, decisionRef: '5', personId: 'p1' });
    expect(door.current().state).toBe('unlocked');
    await expect.poll(() => door.current().state, { timeout: 2_000 }).toBe('locked');
    const rows = log.recent(10);
    expect(rows.map((r) => r.kind)).toEqual(['door', 'door']);
    // Both commands are filed under the door (details.door -> the generated column, 0070).
    const doors = db.prepare('SELECT door FROM audit_events ORDER BY id').pluck().all();
    expect(doors).toEqual(['lobby', 'lobby']);
    expect(relay.unlockCount).toBe(1);
    door.dispose();
    db.close();
  });

  it('a failing controller leaves the door locked, state fault, and the failure audited', async () => {
    const { db, audit, log } = recorder();
    const door = new DoorActuator({
      controller: new SerialRelay({
        devicePath: join(tmp.dir, 'missing'),
        channel: 1,
        timeoutMs: 200,
      }),
      audit,
      now: () => new Date(),
      doorId: () => null,
    });
    const r = await door.unlock({ durationMs: 1000, decisionRef: '6', personId: null });
    expect(r.ok).toBe(false);
    expect(door.current()).toMatchObject({ state: 'fault', unlockedUntil: null });
    expect(log.recent(1)[0]?.kind).toBe('door');
    door.dispose();
    db.close();
  });
});
