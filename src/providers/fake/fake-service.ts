/**
 * @module The fake provider's remote side: files and jobs in memory, moved along by a clock the test controls, with
 * scripted timing, outcomes, failures and answers. Deterministic: the same script and clock give the same jobs,
 * names and result lines.
 */
import { NotFoundError, ProviderError, type Clock } from '../../shared/index.ts';
import { TERMINAL_JOB_STATES, type LostCreate, type ProviderLimits, type RemoteJob, type RemoteJobState } from '../batch-provider.ts';
import { answerRequests, type FakeAnswerLine, type FakeErrorLine, type FakeRequestLine } from './fake-results.ts';
import { fakeJobAt, type FakeJobMoment, type FakeJobPlan } from './fake-timeline.ts';
import type { FakeCallFailure, FakeJobRule, FakeOperation, FakeScript } from './fake-script.ts';
import { FakeCacheStore } from './fake-caches.ts';
import { FakeCalls } from './fake-calls.ts';
import { FakeDocumentStore } from './fake-documents.ts';

/** The fake provider's name, and the name its result reader is registered under. */
export const FAKE_PROVIDER_NAME = 'fake';

const HOUR_MS = 3_600_000;

/** The fake's limits unless a test sets its own. */
export const FAKE_DEFAULT_LIMITS: ProviderLimits = Object.freeze({
  maxRequestsPerJob: undefined,
  maxBytesPerJob: undefined,
  maxInlineBytes: undefined,
  fileExpiryMs: 48 * HOUR_MS,
});

interface StoredFile {
  lines: readonly FakeRequestLine[];
  sizeBytes: number;
  createdAt: number;
}

interface StoredJob {
  name: string;
  displayName: string;
  model: string;
  lines: readonly FakeRequestLine[];
  createdAt: number;
  rule: FakeJobRule | undefined;
  cancelledAt: number | undefined;
  forgotten: boolean;
  /** Computed once, when the results are first asked for. */
  results: (FakeAnswerLine | FakeErrorLine)[] | undefined;
}

/** What happened at the fake provider, so a test can prove exactly-once submission. */
export interface FakeStats {
  /** Calls per operation, including scripted failures. */
  calls: Record<FakeOperation, number>;
  /** Jobs created, by display name. */
  jobsByDisplayName: Record<string, number>;
}

/** Options of {@link FakeBatchService}. */
export interface FakeServiceOptions {
  clock: Clock;
  script?: FakeScript;
  /** @default FAKE_DEFAULT_LIMITS */
  limits?: Partial<ProviderLimits>;
}

/** The in-memory batch service a fake provider talks to. Outlives providers, as a real service outlives a process. */
export class FakeBatchService {
  readonly clock: Clock;
  readonly limits: ProviderLimits;
  /** Context caches, on the same clock. */
  readonly caches: FakeCacheStore;
  /** Uploaded documents (PDFs, images), on the same clock. */
  readonly documents: FakeDocumentStore;
  readonly #script: FakeScript;
  readonly #rules: FakeJobRule[];
  readonly #calls = new FakeCalls(FAKE_PROVIDER_NAME);
  readonly #files = new Map<string, StoredFile>();
  readonly #jobs = new Map<string, StoredJob>();
  readonly #created = new Map<string, number>();
  readonly #deletedOutputs = new Set<string>();
  #answerFn: FakeScript['answer'];
  #nextId = 1;

  constructor(options: FakeServiceOptions) {
    this.clock = options.clock;
    this.caches = new FakeCacheStore(options.clock);
    this.limits = Object.freeze({ ...FAKE_DEFAULT_LIMITS, ...options.limits });
    this.documents = new FakeDocumentStore(options.clock, this.limits.fileExpiryMs, () => `files/fake-doc-${this.#nextId++}`);
    this.#script = options.script ?? {};
    this.#rules = [...(options.script?.jobs ?? [])];
    this.#answerFn = options.script?.answer;
    for (const failure of options.script?.failures ?? []) this.failNext(failure);
  }

  /** Adds a job rule, ahead of the earlier ones. */
  scriptJobs(rule: FakeJobRule): void {
    this.#rules.unshift(rule);
  }

  /** Replaces the model: answers of jobs whose results are read from now on. */
  answerWith(answer: NonNullable<FakeScript['answer']>): void {
    this.#answerFn = answer;
  }

  /** The model's answer to one request asked interactively: what its batch line would say (undefined: omitted). */
  answerNow(key: string, request: unknown): FakeAnswerLine | FakeErrorLine | undefined {
    return answerRequests([{ key, request }], this.#answerFn)[0];
  }

  /** Every job the provider still knows, in creation order. */
  jobs(): RemoteJob[] {
    return [...this.#jobs.values()].filter((job) => this.#known(job)).map((job) => this.#view(job));
  }

  /** Makes the next calls of an operation fail. */
  failNext(failure: FakeCallFailure): void {
    this.#calls.failNext(failure);
  }

  /** Ends every scripted failure still due: the outage is over. */
  recover(): void {
    this.#calls.recover();
  }

  /** Makes the provider forget a job at once (later reads of it reject with NotFoundError). */
  forget(name: string): void {
    const job = this.#jobs.get(name);
    if (job) job.forgotten = true;
  }

  /** Counts a call, and throws its scripted failure if one is due. */
  enter(operation: FakeOperation, where: string): void {
    this.#calls.enter(operation, where);
  }

  /** Calls and creates so far. */
  stats(): FakeStats {
    return { calls: this.#calls.counts(), jobsByDisplayName: Object.fromEntries(this.#created) };
  }

  /** Keeps an uploaded input file; returns its name. */
  storeFile(lines: readonly FakeRequestLine[], sizeBytes: number): string {
    const name = `files/fake-input-${this.#nextId++}`;
    this.#files.set(name, { lines, sizeBytes, createdAt: this.clock.now() });
    return name;
  }

  /** The request lines of a job the provider knows (what a test reads to see which files they reference). */
  jobLines(name: string): readonly FakeRequestLine[] {
    return this.#knownJob(name, `jobLines(${name})`).lines;
  }

  /** Creates a job from an input file within the limits; a scripted lost reply throws after creating it. */
  createJob(options: { model: string; inputFile: string; displayName: string }): RemoteJob {
    const where = `createJob(${options.displayName})`;
    const file = this.#liveFile(options.inputFile);
    if (!file) throw new ProviderError(FAKE_PROVIDER_NAME, `fake ${where}: no input file ${options.inputFile}`, { status: 400, isRetryable: false });
    const { maxRequestsPerJob, maxBytesPerJob } = this.limits;
    if ((maxRequestsPerJob !== undefined && file.lines.length > maxRequestsPerJob) || (maxBytesPerJob !== undefined && file.sizeBytes > maxBytesPerJob)) {
      const message = `fake ${where}: ${file.lines.length} requests, ${file.sizeBytes} bytes: over the limits`;
      throw new ProviderError(FAKE_PROVIDER_NAME, message, { status: 400, isRetryable: false });
    }
    const job: StoredJob = {
      name: `batches/fake-${this.#nextId++}`,
      displayName: options.displayName,
      model: options.model,
      lines: file.lines,
      createdAt: this.clock.now(),
      rule: this.#rules.find((rule) => options.displayName.includes(rule.displayNameContains)),
      cancelledAt: undefined,
      forgotten: false,
      results: undefined,
    };
    this.#jobs.set(job.name, job);
    this.#created.set(job.displayName, (this.#created.get(job.displayName) ?? 0) + 1);
    if (job.rule?.loseCreateReply === true) {
      throw new ProviderError(FAKE_PROVIDER_NAME, `fake ${where} failed: the reply was lost (scripted)`, { status: 503, isRetryable: true });
    }
    return this.#view(job);
  }

  /** The job as it is now. Throws NotFoundError for a job the provider does not know (or forgot). */
  getJob(name: string): RemoteJob {
    return this.#view(this.#knownJob(name, `getJob(${name})`));
  }

  /** Every known job with exactly this display name (`lostCreate`: what the engine knows, for a subclass to use). */
  findJobs(displayName: string, _lostCreate?: LostCreate): RemoteJob[] {
    return [...this.#jobs.values()].filter((job) => job.displayName === displayName && this.#known(job)).map((job) => this.#view(job));
  }

  /** Ends an unfinished job as cancelled, keeping what it processed; a finished job is left as it is. */
  cancelJob(name: string): void {
    const job = this.#knownJob(name, `cancelJob(${name})`);
    if (!isTerminal(this.#timeline(job).state)) job.cancelledAt = this.clock.now();
  }

  /** The result lines of the job whose output file is `fileName`. Throws NotFoundError when it is gone. */
  resultLines(fileName: string): (FakeAnswerLine | FakeErrorLine)[] {
    const job = [...this.#jobs.values()].find((each) => this.#outputFile(each) === fileName);
    if (!job) throw new NotFoundError(`fake downloadResults: no file ${fileName}`);
    job.results ??= answerRequests(job.lines.slice(0, this.#timeline(job).completed), this.#answerFn);
    return job.results;
  }

  /** Whether result files can be deleted (see `FakeScript.undeletableResultFiles`). */
  get deletableResultFiles(): boolean {
    return this.#script.undeletableResultFiles !== true;
  }

  /** Deletes an input, document or result file; a file already gone is not an error. */
  deleteFile(name: string): void {
    if (!this.deletableResultFiles && [...this.#jobs.values()].some((job) => this.#outputFile(job) === name)) {
      throw new ProviderError(FAKE_PROVIDER_NAME, `fake deleteFile: ${name} is a result file, which cannot be deleted`, { isRetryable: false });
    }
    this.#files.delete(name);
    this.documents.delete(name);
    this.#deletedOutputs.add(name);
  }

  #liveFile(name: string): StoredFile | undefined {
    const file = this.#files.get(name);
    const expiry = this.limits.fileExpiryMs;
    if (!file || (expiry !== undefined && this.clock.now() - file.createdAt >= expiry)) return undefined;
    return file;
  }

  #known(job: StoredJob): boolean {
    const forgetAfter = job.rule?.forgetAfterMs;
    return !job.forgotten && (forgetAfter === undefined || this.clock.now() - job.createdAt < forgetAfter);
  }

  #knownJob(name: string, where: string): StoredJob {
    const job = this.#jobs.get(name);
    if (!job || !this.#known(job)) throw new NotFoundError(`fake ${where}: no such job`);
    return job;
  }

  #timeline(job: StoredJob): FakeJobMoment {
    const plan: FakeJobPlan = {
      createdAt: job.createdAt,
      cancelledAt: job.cancelledAt,
      total: job.lines.length,
      pendingMs: job.rule?.pendingMs ?? this.#script.pendingMs ?? 0,
      runMs: job.rule?.runMs ?? this.#script.runMs ?? 1000,
      expiryMs: this.#script.jobExpiryMs ?? 48 * HOUR_MS,
      outcome: job.rule?.outcome ?? 'succeeded',
      completedLines: job.rule?.completedLines ?? 0,
    };
    return fakeJobAt(plan, this.clock.now());
  }

  #outputFile(job: StoredJob): string | undefined {
    const { state, endedAt, completed } = this.#timeline(job);
    if (!isTerminal(state) || (completed === 0 && state !== 'succeeded')) return undefined;
    const name = `files/fake-results-${job.name.slice('batches/fake-'.length)}`;
    const expiry = this.limits.fileExpiryMs;
    const expired = expiry !== undefined && endedAt !== undefined && this.clock.now() - endedAt >= expiry;
    return this.#deletedOutputs.has(name) || expired ? undefined : name;
  }

  #view(job: StoredJob): RemoteJob {
    const { state, endedAt, completed } = this.#timeline(job);
    const terminal = isTerminal(state);
    const answered = terminal ? this.#resultCounts(job, completed) : { succeeded: 0, failed: 0 };
    return {
      name: job.name,
      displayName: job.displayName,
      state,
      rawState: `FAKE_${state.toUpperCase()}`,
      requestCounts: { total: job.lines.length, ...answered, pending: job.lines.length - answered.succeeded - answered.failed },
      outputFile: this.#outputFile(job),
      error: state === 'failed' ? { code: 13, message: 'the fake job failed (scripted)' } : undefined,
      createTime: new Date(job.createdAt).toISOString(),
      endTime: endedAt === undefined ? undefined : new Date(endedAt).toISOString(),
    };
  }

  #resultCounts(job: StoredJob, completed: number): { succeeded: number; failed: number } {
    job.results ??= completed === 0 ? undefined : answerRequests(job.lines.slice(0, completed), this.#answerFn);
    const succeeded = (job.results ?? []).filter((line) => 'answer' in line).length;
    // Processed but without an answer line (an error, or a dropped line) counts as failed.
    return { succeeded, failed: completed - succeeded };
  }
}

function isTerminal(state: RemoteJobState): boolean {
  return TERMINAL_JOB_STATES.has(state);
}
