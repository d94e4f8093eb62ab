/**
 * @module The naive baseline: the script a user would write instead of truebatch, plainly, with the official SDK
 * (the seed's own flow). It reads every paper into memory, writes one JSONL, uploads it, creates one job, polls it
 * every 250 ms, reads the whole result file and writes one output per answer. No ledger, no sharding, no retries,
 * no validation, no crash safety: that is the point, it is the yardstick for truebatch's speed and memory.
 *
 * Self-contained (no imports from src/): the bench transpiles it to dist/bench/ and runs it with plain node, so its
 * memory is node's, the SDK's and the script's own, as truebatch's CLI is measured from dist/.
 *
 * usage: node naive-baseline.js <docsDir> <outDir> <prompt.md> <schema.json> (GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL)
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoogleGenAI, JobState } from '@google/genai';

const [docsDir, outDir, promptFile, schemaFile] = process.argv.slice(2);
if (!docsDir || !outDir || !promptFile || !schemaFile) throw new Error('usage: naive-baseline <docsDir> <outDir> <prompt.md> <schema.json>');
const ai = new GoogleGenAI({
  apiKey: process.env['GEMINI_API_KEY'] ?? '',
  apiVersion: 'v1beta',
  httpOptions: { baseUrl: process.env['GOOGLE_GEMINI_BASE_URL'] ?? 'https://generativelanguage.googleapis.com' },
});

// 1. Every paper into memory, one request line each.
const prompt = readFileSync(promptFile, 'utf8');
const schema: unknown = JSON.parse(readFileSync(schemaFile, 'utf8'));
const names = readdirSync(docsDir).filter((name) => name.endsWith('.json'));
const lines = names.map((name) => {
  const text = prompt.replace('{{document}}', readFileSync(join(docsDir, name), 'utf8'));
  return JSON.stringify({
    key: name,
    request: {
      contents: [{ role: 'user', parts: [{ text }] }],
      generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
    },
  });
});

// 2. One JSONL, one upload, one job.
mkdirSync(outDir, { recursive: true });
const jsonlPath = join(outDir, '..', 'naive-requests.jsonl');
writeFileSync(jsonlPath, `${lines.join('\n')}\n`);
const file = await ai.files.upload({ file: jsonlPath, config: { mimeType: 'jsonl' } });
let job = await ai.batches.create({ model: 'gemini-2.5-flash', src: file.name ?? '', config: { displayName: 'naive-baseline' } });

// 3. A fixed short poll until the job ends.
const ENDED: (JobState | undefined)[] = [JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED, JobState.JOB_STATE_EXPIRED];
while (!ENDED.includes(job.state)) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  job = await ai.batches.get({ name: job.name ?? '' });
}
if (job.state !== JobState.JOB_STATE_SUCCEEDED || !job.dest?.fileName) throw new Error(`job ended ${job.state ?? 'without a state'}`);

// 4. The whole result file into memory, one output file per answer.
const resultsPath = join(outDir, '..', 'naive-results.jsonl');
await ai.files.download({ file: job.dest.fileName, downloadPath: resultsPath });
let written = 0;
for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
  if (line === '') continue;
  const result = JSON.parse(line) as { key: string; response?: { candidates?: { content?: { parts?: { text?: string }[] } }[] } };
  const answer = result.response?.candidates?.[0]?.content?.parts?.[0]?.text;
  if (answer === undefined) continue;
  writeFileSync(join(outDir, result.key), `${JSON.stringify(JSON.parse(answer), null, 2)}\n`);
  written++;
}
process.stdout.write(`${JSON.stringify({ documents: names.length, written })}\n`);
