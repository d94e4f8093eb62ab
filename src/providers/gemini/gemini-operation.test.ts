import { JobState, type BatchJob } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../shared/index.ts';
import { batchJobToRemoteJob, normaliseOperation, toRemoteJobState } from './gemini-operation.ts';

const TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';

describe('normaliseOperation', () => {
  it('reads a pending job whose zero counters are omitted and whose counts are strings', () => {
    const job = normaliseOperation(
      {
        name: 'batches/o08hk76gv328ihxcssjsgwt3g6omtfysxi46',
        metadata: {
          '@type': TYPE,
          model: 'models/gemini-2.5-flash',
          displayName: 'run-1-shard-0',
          createTime: '2026-01-01T00:00:00.123456789Z',
          updateTime: '2026-01-01T00:00:00.123456789Z',
          batchStats: { requestCount: '3', pendingRequestCount: '3' },
          state: 'BATCH_STATE_PENDING',
          name: 'batches/o08hk76gv328ihxcssjsgwt3g6omtfysxi46',
        },
      },
      'test',
    );
    expect(job).toEqual({
      name: 'batches/o08hk76gv328ihxcssjsgwt3g6omtfysxi46',
      displayName: 'run-1-shard-0',
      state: 'pending',
      rawState: 'BATCH_STATE_PENDING',
      requestCounts: { total: 3, succeeded: 0, failed: 0, pending: 3 },
      outputFile: undefined,
      error: undefined,
      createTime: '2026-01-01T00:00:00.123456789Z',
      endTime: undefined,
    });
  });

  it('reads a succeeded job with its output file and end time', () => {
    const job = normaliseOperation(
      {
        name: 'batches/abc',
        metadata: {
          '@type': TYPE,
          displayName: 'd',
          state: 'BATCH_STATE_SUCCEEDED',
          endTime: '2026-01-01T00:05:00Z',
          batchStats: { requestCount: '2', successfulRequestCount: '1', failedRequestCount: '1' },
          output: { responsesFile: 'files/batch-abc' },
        },
        done: true,
        response: { '@type': `${TYPE}Output`, responsesFile: 'files/batch-abc' },
      },
      'test',
    );
    expect(job.state).toBe('succeeded');
    expect(job.outputFile).toBe('files/batch-abc');
    expect(job.endTime).toBe('2026-01-01T00:05:00Z');
    expect(job.requestCounts).toEqual({ total: 2, succeeded: 1, failed: 1, pending: 0 });
  });

  it('takes the output file from the top-level response when metadata.output is missing', () => {
    const job = normaliseOperation(
      { name: 'batches/abc', metadata: { state: 'BATCH_STATE_SUCCEEDED' }, done: true, response: { responsesFile: 'files/batch-abc' } },
      'test',
    );
    expect(job.outputFile).toBe('files/batch-abc');
  });

  it("reads a failed job's error from the Operation, which the SDK drops", () => {
    const job = normaliseOperation(
      {
        name: 'batches/abc',
        metadata: { state: 'BATCH_STATE_FAILED', batchStats: { requestCount: '5', failedRequestCount: '5' } },
        done: true,
        error: { code: 13, message: 'Internal error while processing the batch', details: [] },
      },
      'test',
    );
    expect(job.state).toBe('failed');
    expect(job.error).toEqual({ code: 13, message: 'Internal error while processing the batch' });
  });

  it('accepts snake_case field names', () => {
    const job = normaliseOperation(
      {
        name: 'batches/abc',
        metadata: {
          display_name: 'snake',
          state: 'BATCH_STATE_RUNNING',
          batch_stats: { request_count: '4', successful_request_count: '1', pending_request_count: '3' },
          create_time: '2026-01-01T00:00:00Z',
        },
      },
      'test',
    );
    expect(job).toMatchObject({ displayName: 'snake', state: 'running', createTime: '2026-01-01T00:00:00Z' });
    expect(job.requestCounts).toEqual({ total: 4, succeeded: 1, failed: 0, pending: 3 });
  });

  it('has no counts when batchStats is absent, and an omitted state is UNSPECIFIED (pending)', () => {
    const job = normaliseOperation({ name: 'batches/abc' }, 'test');
    expect(job.requestCounts).toBeUndefined();
    expect(job.rawState).toBe('BATCH_STATE_UNSPECIFIED');
    expect(job.state).toBe('pending');
  });

  it('rejects an answer that is not an Operation, saying where and what', () => {
    const attempt = () => normaliseOperation({ metadata: { state: 'BATCH_STATE_RUNNING' } }, 'getJob(batches/x)');
    expect(attempt).toThrow(ProviderError);
    expect(attempt).toThrow(/getJob\(batches\/x\).*name/s);
    expect(() => normaliseOperation({ name: 'batches/x', metadata: { batchStats: { requestCount: 'many' } } }, 't')).toThrow(
      /requestCount/,
    );
  });
});

describe('toRemoteJobState', () => {
  it('maps every documented state, with either prefix', () => {
    expect(toRemoteJobState('BATCH_STATE_PENDING', false, false)).toBe('pending');
    expect(toRemoteJobState('BATCH_STATE_RUNNING', false, false)).toBe('running');
    expect(toRemoteJobState('BATCH_STATE_SUCCEEDED', true, false)).toBe('succeeded');
    expect(toRemoteJobState('BATCH_STATE_FAILED', true, true)).toBe('failed');
    expect(toRemoteJobState('BATCH_STATE_CANCELLED', true, true)).toBe('cancelled');
    expect(toRemoteJobState('BATCH_STATE_EXPIRED', true, false)).toBe('expired');
    expect(toRemoteJobState('JOB_STATE_SUCCEEDED', true, false)).toBe('succeeded');
    expect(toRemoteJobState('BATCH_STATE_UNSPECIFIED', false, false)).toBe('pending');
  });

  it('keeps polling an unknown state until the Operation is done, then decides by the error', () => {
    expect(toRemoteJobState('BATCH_STATE_CANCELLING', false, false)).toBe('running');
    expect(toRemoteJobState('BATCH_STATE_SOMETHING_NEW', true, true)).toBe('failed');
    expect(toRemoteJobState('BATCH_STATE_SOMETHING_NEW', true, false)).toBe('succeeded');
  });
});

describe('batchJobToRemoteJob', () => {
  it("normalises the SDK's BatchJob, restoring the wire state name", () => {
    const sdkJob: BatchJob = {
      name: 'batches/abc',
      displayName: 'd',
      state: JobState.JOB_STATE_PENDING,
      createTime: '2026-01-01T00:00:00Z',
      model: 'models/gemini-2.5-flash',
    };
    expect(batchJobToRemoteJob(sdkJob, 'createJob(d)')).toEqual({
      name: 'batches/abc',
      displayName: 'd',
      state: 'pending',
      rawState: 'BATCH_STATE_PENDING',
      requestCounts: undefined,
      outputFile: undefined,
      error: undefined,
      createTime: '2026-01-01T00:00:00Z',
      endTime: undefined,
    });
  });

  it('rejects an answer without a batch name (e.g. an error body sent with HTTP 200)', () => {
    expect(() => batchJobToRemoteJob(undefined, 'createJob(d)')).toThrow(/createJob\(d\).*no batch name/);
    expect(() => batchJobToRemoteJob({}, 'createJob(d)')).toThrow(ProviderError);
  });
});
