/**
 * End to end: `truebatch run` as a child process whose input upload loses a chunk half-way; the upload is resumed
 * from the emulator's committed offset (one upload session, no restart) and the run finishes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, outputFiles } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

describe('truebatch run with a dropped upload chunk', () => {
  it('resumes the upload instead of restarting it, and finishes every document', async () => {
    const project = makeProject({ count: 4 });
    const { server, env } = await emulator({ faults: { dropUploadChunk: [{ nth: 1, committedFraction: 0.5 }] } });
    const result = await runCli(['run', '--project', project], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(4);
    expect(server.stats()).toMatchObject({ uploadChunksDropped: 1, uploadQueries: 1, uploadsResumed: 1, uploadsRestarted: 0, batchesCreated: 1 });
    expect(server.stats().endpointCalls['upload.start']).toBe(1);
  });
});
