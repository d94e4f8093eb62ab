import type { Batch } from 'openai/resources/batches';
import { describe, expect, it } from 'vitest';
import { batchToRemoteJob } from './openai-batch.ts';

const batch = (fields: Partial<Batch>): Batch => ({
  id: 'batch_abc',
  object: 'batch',
  endpoint: '/v1/chat/completions',
  input_file_id: 'file-in',
  completion_window: '24h',
  created_at: 1_733_000_000,
  status: 'validating',
  metadata: { truebatch_display_name: 'run-1-stage-s0001' },
  ...fields,
});

describe('batchToRemoteJob (spec §10a statuses, §10d mapping)', () => {
  it('maps every status', () => {
    const states = Object.fromEntries(
      (['validating', 'in_progress', 'finalizing', 'cancelling', 'completed', 'failed', 'expired', 'cancelled'] as const).map((status) => [
        status,
        batchToRemoteJob(batch({ status })).state,
      ]),
    );
    expect(states).toEqual({
      validating: 'pending', in_progress: 'running', finalizing: 'running', cancelling: 'running',
      completed: 'succeeded', failed: 'failed', expired: 'expired', cancelled: 'cancelled',
    });
  });

  it('reads the display name from metadata, counts, and the output file (or the error file when it is the only one)', () => {
    const job = batchToRemoteJob(batch({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 }, output_file_id: 'file-out', error_file_id: 'file-err', completed_at: 1_733_000_100 }));
    expect(job).toMatchObject({ name: 'batch_abc', displayName: 'run-1-stage-s0001', rawState: 'completed', outputFile: 'file-out', requestCounts: { total: 3, succeeded: 2, failed: 1, pending: 0 } });
    expect(job.endTime).toBe(new Date(1_733_000_100_000).toISOString());
    expect(batchToRemoteJob(batch({ status: 'completed', error_file_id: 'file-err' })).outputFile).toBe('file-err');
    // An empty error_file_id on a clean batch is absent (kaibo PR#93).
    expect(batchToRemoteJob(batch({ status: 'completed', output_file_id: '', error_file_id: '' })).outputFile).toBeUndefined();
  });

  it('says why a batch failed, with the input line', () => {
    const job = batchToRemoteJob(batch({ status: 'failed', errors: { object: 'list', data: [{ code: 'invalid_request', message: 'bad url', line: 2, param: null }] } }));
    expect(job.error).toEqual({ code: 400, message: 'invalid_request: bad url (input line 2)' });
  });
});
