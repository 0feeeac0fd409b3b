/**
 * A kill -9 soak of the real Station on one data folder: a child (soak-worker.ts) enrols,
 * erases, decides at the door over a recording and rebuilds the index, in a seeded order,
 * and is killed with SIGKILL at a seeded moment (while the models load, in a transaction,
 * while the index or the audit anchor is written...), then started again. At the end one
 * clean run of the `station` CLI, then the final scan (soak-scan.ts): no temp file, the audit
 * chain verifies, nothing of an erased person in any file of the folder. Used by
 * tests/integration/kill9-soak.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { seededRandom } from './seeded-random';
import { enrolledIds, erasedLeftovers, tempFilesLeft, type PersonSnapshot } from './soak-scan';
import { soakPhoto } from './soak-photos';

const WORKER = resolve(__dirname, 'soak-worker.ts');
const BIN = resolve(__dirname, '../../../bin/station.cjs');
/** A worker whose planned moment never came (no erasure chosen) is killed after this. */
const CYCLE_LIMIT_MS = 15_000;

export interface SoakOptions {
  dataDir: string;
  /** Cycles (start, work, kill) are started until this much time has gone. */
  durationMs: number;
  seed: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  cycles: number;
  /** Kills that landed before the station was open (during start: migrations, key, index). */
  killedStarting: number;
  /** Operations started, and those a kill interrupted, by kind. */
  started: Record<string, number>;
  interrupted: Record<string, number>;
  completed: Record<string, number>;
  /** People an erasure was started for, and those of them gone from the database at the end. */
  erasuresStarted: number;
  erased: number;
  /** Everything that must never happen: failed operations, and the final scan's findings. */
  problems: string[];
}

/**
 * When a worker is killed: `ms` after it was spawned (its start), or after the first stdout
 * line starting with `after` (READY, or an operation: kills aimed into erasures and rebuilds,
 * the writes that must leave nothing behind).
 */
interface KillPlan {
  after: 'spawn' | 'READY' | 'OP erase' | 'OP rebuild';
  ms: number;
}

function killPlan(random: () => number): KillPlan {
  const roll = random();
  if (roll < 0.2) return { after: 'spawn', ms: 200 + random() * 2500 };
  if (roll < 0.5) return { after: 'READY', ms: random() * 4000 };
  if (roll < 0.8) return { after: 'OP erase', ms: random() * 150 };
  return { after: 'OP rebuild', ms: random() * 150 };
}

/** Starts one worker and kills it as planned (or when it has worked for `limitMs`). */
function runCycle(dataDir: string, seed: number, kill: KillPlan, limitMs: number) {
  return new Promise<string[]>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let timer: NodeJS.Timeout | null = null;
    const arm = (ms: number) => (timer = setTimeout(() => child.kill('SIGKILL'), ms));
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    if (kill.after === 'spawn') arm(kill.ms);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === null && out.split('\n').some((l) => l.startsWith(kill.after))) arm(kill.ms);
    });
    child.stderr.resume();
    child.on('exit', () => {
      if (timer) clearTimeout(timer);
      clearTimeout(limit);
      // Only whole lines: a line cut by the kill was never acted on.
      done(out.split('\n').slice(0, -1));
    });
  });
}

function cli(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function parseErase(line: string): PersonSnapshot {
  const j = JSON.parse(line.slice('ERASE '.length)) as {
    personId: string;
    name: string;
    templates: { id: number; sealed: string; vector: string }[];
  };
  return {
    personId: j.personId,
    name: j.name,
    templates: j.templates.map((t) => ({
      id: t.id,
      sealed: Buffer.from(t.sealed, 'base64'),
      vector: Buffer.from(t.vector, 'base64'),
    })),
  };
}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Tallies one cycle's lines into the report; erasure snapshots go to `snapshots`. */
function tally(lines: string[], report: SoakReport, snapshots: Map<string, PersonSnapshot>) {
  if (!lines.includes('READY')) report.killedStarting++;
  let open: string | null = null;
  for (const line of lines) {
    const [tag, op = ''] = line.split(' ');
    if (tag === 'OP') bump(report.started, (open = op));
    else if (tag === 'DONE') {
      bump(report.completed, op);
      open = null;
    } else if (tag === 'ERASE') {
      const snap = parseErase(line);
      if (!snapshots.has(snap.personId)) snapshots.set(snap.personId, snap);
    } else if (tag === 'FAIL') {
      report.problems.push(line);
      open = null;
    }
  }
  if (open) bump(report.interrupted, open);
}

export async function runKill9Soak(opts: SoakOptions): Promise<SoakReport> {
  const random = seededRandom(opts.seed);
  const snapshots = new Map<string, PersonSnapshot>();
  const report: SoakReport = {
    cycles: 0,
    killedStarting: 0,
    started: {},
    interrupted: {},
    completed: {},
    erasuresStarted: 0,
    erased: 0,
    problems: [],
  };
  // A clean first start creates the folder and its keys (a kill there is another test's).
  const first = cli(opts.dataDir, 'people', 'list');
  if (first.status !== 0) throw new Error(`the first start failed: ${first.stderr}`);
  const began = Date.now();
  while (Date.now() - began < opts.durationMs) {
    const seed = Math.floor(random() * 1e6);
    const plan = killPlan(random);
    const lines = await runCycle(opts.dataDir, seed, plan, CYCLE_LIMIT_MS);
    report.cycles++;
    tally(lines, report, snapshots);
    opts.log?.(
      `cycle ${report.cycles} (seed ${seed}, kill ${Math.round(plan.ms)} ms after ${plan.after}): ` +
        lines.filter((l) => !l.startsWith('ERASE')).join(', '),
    );
  }
  report.problems.push(...finalChecks(opts.dataDir, snapshots, report));
  return report;
}

/** One clean run (its start cleans up), then the scan: temp files, chain, erased people. */
function finalChecks(
  dataDir: string,
  snapshots: Map<string, PersonSnapshot>,
  report: SoakReport,
): string[] {
  const problems: string[] = [];
  const clean = cli(dataDir, 'people', 'list', '--json');
  if (clean.status !== 0) problems.push(`the clean run after the soak failed: ${clean.stderr}`);
  for (const f of tempFilesLeft(dataDir)) problems.push(`temp file left: ${f}`);
  const verify = cli(dataDir, 'audit', 'verify', '--json');
  const chain = JSON.parse(verify.stdout || '{}') as { ok?: boolean; reason?: string | null };
  if (verify.status !== 0 || chain.ok !== true)
    problems.push(`audit chain: ${String(chain.reason)} ${verify.stderr}`);
  const still = enrolledIds(dataDir);
  const erased = [...snapshots.values()].filter((p) => !still.has(p.personId));
  report.erasuresStarted = snapshots.size;
  report.erased = erased.length;
  problems.push(...erasedLeftovers(dataDir, erased));
  const people = (JSON.parse(clean.stdout || '{}') as { people?: { name: string }[] }).people;
  const someone = people?.[0];
  if (someone) {
    const who = someone.name.split('-')[0] ?? '';
    const r = cli(dataDir, 'identify', soakPhoto(who, 5), '--json');
    const faces = (
      JSON.parse(r.stdout || '{}') as { results?: { faces: { decision: string }[] }[] }
    ).results?.[0]?.faces;
    if (!faces?.some((f) => f.decision === 'granted'))
      problems.push(`${someone.name} is no longer recognised after the soak: ${r.stderr}`);
  }
  return problems;
}
