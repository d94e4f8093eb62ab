/**
 * @module Engine unit tests on the fake provider: a small project in a temp folder (real files, a real SQLite
 * ledger), opened through the composition root with `provider: fake`, on a virtual clock that moves when the engine
 * sleeps. A "process" is one `open`..`close`; the fake service outlives it, as a real provider outlives a crash.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { loadProjectConfig, type ProjectConfig } from '../../config/index.ts';
import { openProject, openProjectLedger, type OpenProject } from '../../create-truebatch.ts';
import type { Ledger } from '../../ledger/index.ts';
import { FakeBatchService, type FakeScript, type ProviderLimits } from '../../providers/index.ts';
import type { FakeServiceOptions } from '../../providers/fake/index.ts';
import { createManualClock, type Clock, type ManualClock } from '../../shared/index.ts';
import type { Failpoint } from '../context.ts';
import { runPipeline, type RunOutcome } from '../run-pipeline.ts';

/** A manual clock whose `sleep` moves time on at once: a run's waits cost nothing, and time still adds up. */
export interface VirtualClock extends Clock {
  advance(ms: number): void;
  /** Total time slept, in ms. */
  slept(): number;
}

/** Creates a {@link VirtualClock}. */
export function createVirtualClock(manual: ManualClock = createManualClock()): VirtualClock {
  let slept = 0;
  return {
    now: () => manual.now(),
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      slept += ms;
      manual.advance(ms);
      return Promise.resolve();
    },
    advance: (ms) => manual.advance(ms),
    slept: () => slept,
  };
}

/** What a test project is made of. */
export interface FakeProjectOptions {
  /** Documents `doc1.json` … `docN.json`. @default 4 */
  docs?: number;
  /** More YAML at the top level (polling, sharding, budget …). */
  extraYaml?: string;
  /** More YAML inside the one stage `extract` (maxAttempts, canary, budget …). */
  stageYaml?: string;
  /** Adds a stage `review` that reads `extract`'s outputs. */
  reviewStage?: boolean;
  script?: FakeScript;
  limits?: Partial<ProviderLimits>;
  /** Makes the fake service, e.g. a subclass that bends its result lines. @default `new FakeBatchService(options)` */
  createService?: (options: FakeServiceOptions) => FakeBatchService;
}

/** A test project on the fake provider. */
export interface FakeProject {
  dir: string;
  config: ProjectConfig;
  service: FakeBatchService;
  clock: VirtualClock;
  notices: string[];
  /** Opens the project as one process would (lock, ledger, the fake from the registry). */
  open(options?: { failpoint?: Failpoint; signal?: AbortSignal }): Promise<OpenProject>;
  /** One `truebatch run` in a process of its own: open, run every stage, close. */
  run(options?: { detach?: boolean; signal?: AbortSignal }): Promise<RunOutcome>;
  /**
   * One run whose "process dies" at `point` (its `nth` passage, default the first): the failpoint throws {@link SimulatedCrash} instead of killing the
   * process, and the project is closed as the operating system would (what was durable stays).
   */
  crashAt(point: Failpoint, options?: { nth?: number }): Promise<void>;
  /** Reads the ledger (no lock) and closes it again. */
  read<T>(look: (ledger: Ledger) => T): T;
  /** The output files of a stage (`extract` unless named), sorted. */
  outputs(stage?: string): string[];
}

/** What a test failpoint throws: the process "died" here. */
export class SimulatedCrash extends Error {
  readonly point: Failpoint;
  constructor(point: Failpoint) {
    super(`simulated crash at ${point}`);
    this.point = point;
  }
}

/** The answer schema: `{"key": string}`, which the fake's default answer `{"key":"<key>"}` satisfies. */
const SCHEMA = { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] };

/** Makes fake projects, removed after each test. */
export function fakeProjects(): (options?: FakeProjectOptions) => Promise<FakeProject> {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return async (options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-engine-fake-'));
    dirs.push(dir);
    writeFiles(dir, options);
    const config = await loadProjectConfig({ projectDir: dir, env: {} });
    const clock = createVirtualClock();
    const serviceOptions: FakeServiceOptions = { clock, ...(options.script ? { script: options.script } : {}), ...(options.limits ? { limits: options.limits } : {}) };
    const service = options.createService?.(serviceOptions) ?? new FakeBatchService(serviceOptions);
    const notices: string[] = [];
    const open = (openOptions: { failpoint?: Failpoint; signal?: AbortSignal } = {}): Promise<OpenProject> =>
      openProject(config, {
        reporter: { notice: (message) => notices.push(message), job: () => {} },
        signal: openOptions.signal ?? new AbortController().signal,
        clock,
        failpoint: openOptions.failpoint,
        provider: 'fake',
        providerSettings: service,
      });
    return {
      dir,
      config,
      service,
      clock,
      notices,
      open,
      async run(runOptions = {}) {
        const project = await open(runOptions.signal ? { signal: runOptions.signal } : {});
        try {
          return await runPipeline(project.context, project.context.config.stages, runOptions.detach === undefined ? {} : { detach: runOptions.detach });
        } finally {
          await project.close();
        }
      },
      async crashAt(point, crashOptions = {}) {
        const project = await open();
        let reached = 0;
        try {
          const failpoint = (at: Failpoint): void => {
            if (at === point && ++reached === (crashOptions.nth ?? 1)) throw new SimulatedCrash(at);
          };
          const crashed = await runPipeline({ ...project.context, failpoint }, project.context.config.stages).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (!(crashed instanceof SimulatedCrash)) throw new Error(`the run did not reach ${point}`, { cause: crashed });
        } finally {
          await project.close();
        }
      },
      outputs(stage = 'extract') {
        const outputDir = join(dir, 'outputs', stage);
        return existsSync(outputDir) ? readdirSync(outputDir).sort() : [];
      },
      read(look) {
        const ledger = openProjectLedger(config, clock);
        try {
          return look(ledger);
        } finally {
          ledger.close();
        }
      },
    };
  };
}

function writeFiles(dir: string, options: FakeProjectOptions): void {
  mkdirSync(join(dir, 'docs'));
  for (let i = 1; i <= (options.docs ?? 4); i++) {
    writeFileSync(join(dir, 'docs', `doc${i}.json`), JSON.stringify({ title: `Document ${i}`, body: 'x'.repeat(i * 10) }));
  }
  writeFileSync(join(dir, 'prompt.md'), 'Give this document back as JSON.\n\n{{document}}\n');
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA));
  const yaml = [
    // Any registry name loads; the tests open the project with `provider: fake`, which wins.
    'provider: emulator',
    'model: gemini-2.5-flash',
    options.extraYaml?.includes('polling:') ? '' : 'polling: { initialIntervalMs: 1000, maxIntervalMs: 60000 }',
    options.extraYaml ?? '',
    'stages:',
    '  - name: extract',
    '    input: { dir: docs }',
    '    prompt: { file: prompt.md }',
    '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
    ...(options.stageYaml ?? '').split('\n').filter((line) => line.trim() !== '').map((line) => `    ${line}`),
    ...(options.reviewStage === true
      ? ['  - name: review', '    input: { stage: extract }', '    prompt: { file: prompt.md }',
        '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }']
      : []),
    '',
  ];
  writeFileSync(join(dir, 'truebatch.config.yaml'), yaml.join('\n'));
}
