/**
 * End to end: an embedding stage (`task: embed`) over the soil-k papers, the CLI as a child process against an
 * emulator over real HTTP: one vector per paper, consolidated files whose rows match the per-document outputs,
 * and nothing resubmitted on an unchanged rerun.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpyFloat32 } from '../src/outputs/index.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { copySoilK, makeProject, outputFiles, queryLedger, useGeminiProvider } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

/** The example's stages replaced by one embedding stage over its papers (the example itself is left as it is). */
function embeddingVariant(project: string): void {
  const path = join(project, 'truebatch.config.yaml');
  const config = readFileSync(path, 'utf8');
  const stages = [
    'stages:',
    '  - name: embed',
    '    task: embed',
    '    model: gemini-embedding-001',
    '    embedding: { outputDimensionality: 768, taskType: RETRIEVAL_DOCUMENT }',
    '    input:',
    '      dir: papers',
    "      include: ['**/*.json']",
    '      expectedCount: 24',
    '',
  ].join('\n');
  writeFileSync(path, `${config.slice(0, config.indexOf('\nstages:\n'))}\n${stages}`);
}

interface EmbeddingFile {
  id: string;
  model: string;
  dimensions: number;
  vector: number[];
}

describe('an embedding stage (end to end)', () => {
  it('writes one vector per soil-k paper, consolidated .jsonl/.npy/.ids.txt that match them, and reruns without resubmitting', async () => {
    const project = copySoilK();
    useGeminiProvider(project);
    embeddingVariant(project);
    const { server, env } = await emulator();
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { stages: { stage: string; valid: number; givenUp: number }[] };
    expect(summary.stages).toMatchObject([{ stage: 'embed', valid: 24, givenUp: 0 }]);

    // One file per paper: {id, model, dimensions, vector} of the asked size.
    const dir = join(project, 'outputs', 'embed');
    const names = outputFiles(dir);
    expect(names).toHaveLength(24);
    const byId = new Map<string, EmbeddingFile>();
    for (const name of names) {
      const output = JSON.parse(readFileSync(join(dir, name), 'utf8')) as EmbeddingFile;
      expect(Object.keys(output)).toEqual(['id', 'model', 'dimensions', 'vector']);
      expect(output).toMatchObject({ model: 'gemini-embedding-001', dimensions: 768 });
      expect(output.vector).toHaveLength(768);
      byId.set(output.id, output);
    }
    expect(byId.size).toBe(24);

    // The wire line is an EmbedContentRequest, sent to asyncBatchEmbedContent.
    const [body] = queryLedger<{ json: string }>(project, "SELECT b.json FROM request_bodies b JOIN requests r ON r.id = b.request_id WHERE r.stage = 'embed' LIMIT 1");
    expect(Object.keys(JSON.parse(body?.json ?? '{}') as object)).toEqual(['content', 'outputDimensionality', 'taskType']);

    // The consolidated files: the same rows in the same order, matching each paper's own output.
    const ids = readFileSync(join(dir, 'embeddings.ids.txt'), 'utf8').split('\n').filter((line) => line !== '');
    expect(new Set(ids)).toEqual(new Set(byId.keys()));
    const npy = readNpyFloat32(readFileSync(join(dir, 'embeddings.npy')));
    expect(npy.shape).toEqual([24, 768]);
    const lines = readFileSync(join(dir, 'embeddings.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; vector: number[] });
    expect(lines.map((line) => line.id)).toEqual(ids);
    ids.forEach((id, row) => {
      const vector = byId.get(id)?.vector ?? [];
      expect(lines[row]?.vector).toEqual(vector);
      expect(Array.from(npy.values.subarray(row * 768, (row + 1) * 768))).toEqual(vector.map(Math.fround));
    });

    // Lineage names the row of a paper's vector in the consolidated matrix.
    const [firstName] = names;
    const lineage = await runCli(['lineage', join(dir, firstName ?? ''), '--project', project, '--json'], env);
    expect(lineage.code).toBe(0);
    const provenance = JSON.parse(lineage.stdout) as { document: { id: string }; vectors: { file: string; row: number } };
    expect(provenance.vectors).toEqual({ file: join(dir, 'embeddings.npy'), row: ids.indexOf(provenance.document.id) });

    // Costed as input only, at the embedding model's batch price.
    const [usage] = queryLedger<{ output: number; input: number }>(project, "SELECT SUM(output_tokens) AS output, SUM(prompt_tokens) AS input FROM attempts");
    expect(usage).toMatchObject({ output: 0 });
    expect(usage?.input).toBeGreaterThan(0);

    // An unchanged rerun submits nothing and rebuilds the same consolidated files.
    const stats = server.stats();
    const npyBefore = readFileSync(join(dir, 'embeddings.npy'));
    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(stats.batchesCreated);
    expect(server.stats().requestsProcessed).toBe(24);
    expect(readFileSync(join(dir, 'embeddings.npy')).equals(npyBefore)).toBe(true);
  }, 120_000); // three CLI runs

  it('retries embedding lines that failed at the provider, in a new job, until each document has its vector', async () => {
    const project = makeProject({ count: 6 });
    const path = join(project, 'truebatch.config.yaml');
    const config = readFileSync(path, 'utf8');
    writeFileSync(path, `${config.slice(0, config.indexOf('stages:\n'))}stages:\n  - name: vectors\n    task: embed\n    model: gemini-embedding-001\n    embedding: { outputDimensionality: 32 }\n    input: { dir: docs }\n    prompt: { template: '{{title}}: {{abstract}}' }\n`);
    const { server, env } = await emulator({ faults: { lines: { errorRate: 0.5, maxSubmissionsPerKey: 1 } } });
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { stages: { stage: string; valid: number }[] };
    expect(summary.stages).toMatchObject([{ stage: 'vectors', valid: 6 }]);
    const retried = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE stage = 'vectors' AND attempts = 2");
    expect(retried[0]?.n).toBeGreaterThan(0);
    // Each request went out once per attempt, and every attempt's job was an embedding job.
    const attempts = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM attempts');
    expect(server.stats().requestsProcessed).toBe(attempts[0]?.n);
    expect(server.stats().batchesCreated).toBe(2);
    const npy = readNpyFloat32(readFileSync(join(project, 'outputs', 'vectors', 'embeddings.npy')));
    expect(npy.shape).toEqual([6, 32]);
  });
});
