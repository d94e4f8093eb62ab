/**
 * @module Plan equals run: in every state a project can reach, `truebatch plan` names exactly the requests the next
 * run submits from inputs that exist at plan time, with their count and estimated tokens. Seeded sequences of
 * operations drive small projects (1–2 stages, a few documents) through runs with emulator faults (invalid answers,
 * given-up requests), detached and interrupted runs, edited, added and deleted documents, changed prompts,
 * maxAttempts and validation rules, and deleted or damaged outputs; a few more sequences run their first stage as two variants. Before each run the plan is taken (in process,
 * as `plan --json --keys` prints it), and must leave the ledger as it was; after the run, the ledger's newly sent
 * jobs say what was submitted (noted as each is sent). A submitted key outside the plan must be a retry of an answer that was in flight at
 * plan time, or a downstream document whose upstream answer the plan listed as on its way. Real emulator over HTTP,
 * real SQLite, real files.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig, type ProjectConfig } from '../src/config/index.ts';
import { createPriceTable } from '../src/cost/index.ts';
import { openProject, openProjectLedger } from '../src/create-truebatch.ts';
import { previewRun, runPipeline, type RunPreview } from '../src/engine/index.ts';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.ts';
import type { JobRow } from '../src/ledger/index.ts';
import { BudgetError, CanaryError } from '../src/shared/index.ts';
import { runCli } from './support/cli.ts';
import { TEST_API_KEY } from './support/emulator.ts';
import { queryLedger } from './support/project.ts';
import {
  applyMutation, describeOperation, newProject, nextOperation, seededRandom, writeProject, type Operation, type ProjectModel,
} from './support/project-states.ts';

/** 17 sequences of 30 operations: 215 compared states (each run is one; the seeds fix the count). */
const SEQUENCES = 17;
const STEPS = 30;
const MIN_STATES = 200;

/** What the run after a plan submitted, per stage, read from the ledger. */
interface Submitted {
  keys: Map<string, Set<string>>;
  /** Per stage and key: the request's estimated tokens, as recorded. */
  estimates: Map<string, Map<string, { input: number; output: number }>>;
  /** Whether the run stopped at a failed canary (CanaryError). */
  stoppedByCanary: boolean;
  /** Per stage and key: the upstream answer its document came from (the upstream request's key and fingerprint). */
  upstreamOf: Map<string, Map<string, { key: string; fingerprint: string }>>;
}

describe('plan equals run', () => {
  it(`plan lists exactly what the next run submits, over at least ${MIN_STATES} generated project states`, async () => {
    let compared = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) compared += await runSequence(seed, STEPS);
    console.info(`plan equals run: ${compared} states compared`);
    expect(compared).toBeGreaterThanOrEqual(MIN_STATES);
  }, 240_000);

  it('plan lists exactly what the next run submits when the first stage runs as two variants (#19)', async () => {
    let compared = 0;
    for (const seed of [3, 6, 9]) compared += await runSequence(seed, STEPS, { variants: true });
    expect(compared).toBeGreaterThanOrEqual(30);
  }, 240_000);

  it('after maxAttempts rises on a stage with given-up requests, plan lists the requests the run then submits', async () => {
    const random = seededRandom(7);
    const model = newProject(random);
    model.twoStages = false;
    model.strict.extract = true;
    model.maxAttempts.extract = 1;
    writeProject(model);
    const server = await startTestEmulator(7);
    try {
      const env = emulatorEnv(server);
      await compareRun(model, env, { kind: 'run' });
      model.maxAttempts.extract = 2;
      writeProject(model);
      // What the user sees: `plan`, and `plan --json --keys`, from the CLI.
      const keys = [...model.docs.keys()].map((doc) => `${doc}_extract`).sort();
      const text = await runCli(['plan', '--project', model.dir], env);
      expect(text.stdout).toContain(`To submit: ${keys.length} request(s) in 1 shard(s)`);
      const json = JSON.parse((await runCli(['plan', '--project', model.dir, '--json', '--keys'], env)).stdout) as RunPreview;
      expect(json.stages[0]?.submit.keys).toEqual(keys);
      const { plan } = await compareRun(model, env, { kind: 'run' });
      expect(plan.requests.toSubmit).toBe(model.docs.size);
      expect(plan.requests.resubmissions).toBe(model.docs.size);
      expect(plan.stages[0]?.submit).toEqual(json.stages[0]?.submit);
    } finally {
      await server.close();
      rmSync(model.dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('plan says what stops a run', () => {
  it('names the budget the run would stop at (exit 4), and the run then submits nothing', async () => {
    const model = newProject(seededRandom(11));
    model.twoStages = false;
    writeProject(model);
    const configPath = join(model.dir, 'truebatch.config.yaml');
    writeFileSync(configPath, `budget: { maxUsd: 0.000001 }\n${readFileSync(configPath, 'utf8')}`);
    const server = await startTestEmulator(11);
    try {
      const config = await loadProjectConfig({ projectDir: model.dir, env: emulatorEnv(server) });
      const { plan } = await takePlan(config);
      expect(plan.overBudget).toMatchObject([{ scope: 'project', maxUsd: 0.000001, committedUsd: 0 }]);
      expect(plan.overBudget[0]?.plannedUsd).toBe(plan.estimatedCost.batchUsd);
      const opened = await openProject(config, { reporter: { notice: () => {}, job: () => {} }, signal: new AbortController().signal });
      try {
        await expect(runPipeline(opened.context, config.stages)).rejects.toThrow(BudgetError);
      } finally {
        await opened.close();
      }
      expect(server.stats().batchesCreated).toBe(0);
    } finally {
      await server.close();
      rmSync(model.dir, { recursive: true, force: true });
    }
  }, 30_000);
});

/** Runs one seeded sequence; returns how many states it compared. Fails with the seed and the operations so far. */
async function runSequence(seed: number, steps: number, options: { variants?: boolean } = {}): Promise<number> {
  const random = seededRandom(seed);
  const model = newProject(random);
  if (options.variants) {
    model.variants = true;
    writeProject(model);
  }
  const server = await startTestEmulator(seed);
  const history: string[] = [`new project (${model.twoStages ? 2 : 1} stages${model.variants ? ', extract in 2 variants' : ''}, ${model.docs.size} documents)`];
  let compared = 0;
  try {
    for (let step = 0; step < steps; step++) {
      const operation = nextOperation(random, model);
      history.push(describeOperation(operation));
      if (operation.kind.startsWith('run')) {
        await compareRun(model, emulatorEnv(server), operation);
        compared++;
      } else {
        applyMutation(model, operation);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`plan differs from run: seed ${seed}, operations: ${history.join(' → ')}\n${message}`, { cause: error });
  } finally {
    await server.close();
    rmSync(model.dir, { recursive: true, force: true });
  }
  return compared;
}

function startTestEmulator(seed: number): Promise<RunningEmulator> {
  // Some answers fail or come back malformed (retried, or given up when out of attempts); jobs take milliseconds.
  return startEmulator({
    apiKey: TEST_API_KEY,
    seed,
    jobDurationMs: 5,
    pendingMs: 0,
    faults: { lines: { errorRate: 0.15, malformedRate: 0.15, malformedKinds: ['prose', 'truncated'] } },
  });
}

function emulatorEnv(server: RunningEmulator): Record<string, string> {
  return { GEMINI_API_KEY: TEST_API_KEY, GOOGLE_GEMINI_BASE_URL: server.url };
}

/** Plans, runs as `operation` says, and checks the plan against what the run submitted. */
async function compareRun(model: ProjectModel, env: Record<string, string>, operation: Operation): Promise<{ plan: RunPreview }> {
  const config = await loadProjectConfig({ projectDir: model.dir, env });
  const { plan, inFlightBefore, validBefore } = await takePlan(config);
  const submitted = await runOnce(config, operation);
  // An interrupted run, or one a failed canary stopped, sends part of the plan; nothing outside it.
  const everyPlannedKeyGoesOut = operation.kind !== 'run-interrupted' && !submitted.stoppedByCanary;
  for (const stage of plan.stages) {
    const planned = stage.submit.keys ?? [];
    const sent = submitted.keys.get(stage.stage) ?? new Set<string>();
    const inFlight = inFlightBefore.get(stage.stage) ?? new Set<string>();
    const onTheirWay = new Set(stage.waiting.upstreamKeys ?? []);
    const upstreamOf = submitted.upstreamOf.get(stage.stage) ?? new Map<string, { key: string; fingerprint: string }>();
    // Outside the plan, only a retry of an answer in flight at plan time, or a document made from an upstream answer
    // that did not exist then (its upstream request was listed as on its way).
    const fromNewAnswer = (key: string): boolean => {
      const upstream = upstreamOf.get(key);
      return upstream !== undefined && onTheirWay.has(upstream.key) && !validBefore.has(`${upstream.key}@${upstream.fingerprint}`);
    };
    const unexpected = [...sent].filter((key) => !planned.includes(key) && !inFlight.has(key) && !fromNewAnswer(key));
    const where = `stage ${stage.stage} (${operation.kind}): planned [${planned.join(', ')}], submitted [${[...sent].sort().join(', ')}]`;
    expect(unexpected, `${where}: submitted but not planned`).toEqual([]);
    if (everyPlannedKeyGoesOut) expect(planned.filter((key) => !sent.has(key)), `${where}: planned but not submitted`).toEqual([]);
    // Stopped by its canary, a stage sent the canary and the jobs already cut (and retries of answers in flight).
    if (submitted.stoppedByCanary && stage.canary && inFlight.size === 0) {
      expect(sent.size, `${where}: the canary`).toBe(stage.canary.requests + stage.requests.inUnsentJobs);
    }
    expect(stage.requests.toSubmit, where).toBe(planned.length);
    const { new: fresh, changed, resubmissions, orphaned, inUnsentJobs } = stage.requests;
    expect(fresh + changed + resubmissions + orphaned + inUnsentJobs, `${where}: the kinds add up`).toBe(planned.length);
    // The estimate is the sum of the submitted requests' own, as the run recorded them.
    const recorded = submitted.estimates.get(stage.stage) ?? new Map<string, { input: number; output: number }>();
    const sum = { input: 0, output: 0 };
    for (const key of planned.filter((candidate) => sent.has(candidate))) {
      sum.input += recorded.get(key)?.input ?? NaN;
      sum.output += recorded.get(key)?.output ?? NaN;
    }
    if (everyPlannedKeyGoesOut) expect(sum, `${where}: estimated tokens`).toEqual(stage.estimatedTokens.uncalibrated);
  }
  return { plan };
}

/** The plan (with keys), after checking that taking it changed nothing in the ledger; and what was live before. */
async function takePlan(
  config: ProjectConfig,
): Promise<{ plan: RunPreview; inFlightBefore: Map<string, Set<string>>; validBefore: Set<string> }> {
  const ledger = openProjectLedger(config);
  try {
    // In flight: in a job already sent (a job cut but not sent is the plan's to list).
    const inFlight = queryLedger<{ stage: string; key: string }>(
      config.projectDir,
      `SELECT r.stage, r.key FROM requests r JOIN attempts a ON a.request_id = r.id AND a.state = 'in_job'
       JOIN jobs j ON j.id = a.job_id WHERE r.state = 'in_job' AND j.remote_name IS NOT NULL`,
    );
    const inFlightBefore = new Map(config.stages.map((stage) => [stage.name, new Set(inFlight.filter((row) => row.stage === stage.name).map((row) => row.key))]));
    const valid = queryLedger<{ key: string; fingerprint: string }>(config.projectDir, "SELECT key, fingerprint FROM requests WHERE state = 'valid'");
    const validBefore = new Set(valid.map((row) => `${row.key}@${row.fingerprint}`));
    const before = ledgerSnapshot(config);
    const plan = await previewRun({ config, ledger, prices: createPriceTable(config.prices) }, config.stages, { keys: true });
    expect(ledgerSnapshot(config), 'plan recorded something in the ledger').toEqual(before);
    return { plan, inFlightBefore, validBefore };
  } finally {
    ledger.close();
  }
}

function ledgerSnapshot(config: ProjectConfig): unknown {
  const all = (sql: string): unknown[] => queryLedger(config.projectDir, sql);
  return [all('SELECT * FROM requests ORDER BY id'), all('SELECT * FROM jobs ORDER BY id'), all('SELECT COUNT(*) AS n FROM events'), all('SELECT * FROM documents')];
}

/**
 * Runs the project as `operation` says (to the end, detached, or interrupted after some jobs are sent), noting each
 * job's requests as it is sent: a request can be planned afresh later in the run, and its estimate with it.
 */
async function runOnce(config: ProjectConfig, operation: Operation): Promise<Submitted> {
  const controller = new AbortController();
  const submitted: Submitted = { keys: new Map(), estimates: new Map(), upstreamOf: new Map(), stoppedByCanary: false };
  let jobsSeen = 0;
  const reporter = {
    notice: () => {},
    // Called only once the project is open.
    job: (job: JobRow) => {
      if (job.state === 'submitted') noteSubmitted(config, job.id, submitted);
      const stop = operation.kind === 'run-interrupted' && job.state === (operation.when === 'cut' ? 'planned' : 'submitted');
      if (stop && ++jobsSeen >= operation.afterJobs) controller.abort();
    },
  };
  const opened = await openProject(config, { reporter, signal: controller.signal });
  try {
    await runPipeline(opened.context, config.stages, { detach: operation.kind === 'run-detached' });
  } catch (error) {
    if (error instanceof CanaryError) submitted.stoppedByCanary = true;
    else if (!controller.signal.aborted) throw error;
  } finally {
    await opened.close();
  }
  return submitted;
}

/** Notes the requests of a job just sent, with their estimates and upstream keys as they are now. */
function noteSubmitted(config: ProjectConfig, jobId: number, submitted: Submitted): void {
  const rows = queryLedger<{ stage: string; key: string; input: number; output: number; lineage: string | null }>(
    config.projectDir,
    `SELECT r.stage, r.key, r.estimated_input_tokens AS input, r.estimated_output_tokens AS output, r.lineage
     FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.job_id = ?`,
    jobId,
  );
  const of = <V>(map: Map<string, V>, stage: string, make: () => V): V => map.get(stage) ?? (map.set(stage, make()), map.get(stage) as V);
  for (const row of rows) {
    const keys = of(submitted.keys, row.stage, () => new Set<string>());
    if (keys.has(row.key)) continue;
    keys.add(row.key);
    of(submitted.estimates, row.stage, () => new Map<string, { input: number; output: number }>()).set(row.key, { input: row.input, output: row.output });
    const upstream = (JSON.parse(row.lineage ?? '{}') as { upstream?: { key: string; fingerprint: string }[] }).upstream?.[0];
    if (upstream !== undefined) of(submitted.upstreamOf, row.stage, () => new Map<string, { key: string; fingerprint: string }>()).set(row.key, upstream);
  }
}
