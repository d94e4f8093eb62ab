/** @module Tests for preparing a stage's documents on the planning worker: real files, a real worker thread. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiRequestCodec } from '../providers/gemini/gemini-request.ts';
import { buildRequest, fingerprintRequest } from '../requests/index.ts';
import { prepareDocuments, type PrepareRecipe } from './prepare-document.ts';
import { preparedEntries, type PreparedEntry } from './prepared-entries.ts';
import type { StageEntry } from './stage-documents.ts';

let projectDir: string;
let recipe: PrepareRecipe;
beforeAll(() => {
  projectDir = mkdtempSync(join(tmpdir(), 'tb-prepare-'));
  mkdirSync(join(projectDir, 'docs'));
  recipe = {
    spec: {
      stageName: 'extract',
      model: 'gemini-2.5-flash',
      keyTemplate: '{id}_{stage}',
      promptTemplate: 'Title: {{title}}\n\n{{document}}',
      generation: { outputMimeType: 'application/json' },
    },
    idField: undefined,
    projectDir,
    provider: 'emulator',
  };
});
afterAll(() => rmSync(projectDir, { recursive: true, force: true }));

function file(name: string, text: string): StageEntry {
  const absolutePath = join(projectDir, 'docs', name);
  writeFileSync(absolutePath, text);
  return { kind: 'file', path: name, absolutePath };
}

describe('prepareDocuments', () => {
  it('reads a corpus file and renders the same request, key and fingerprint as buildRequest', async () => {
    const entry = file('p1.json', '{"title":"Soil K"}');
    const [prepared] = await prepareDocuments([entry as Extract<StageEntry, { kind: 'file' }>], recipe);
    const built = buildRequest(recipe.spec, { id: 'p1', text: '{"title":"Soil K"}', fields: { title: 'Soil K' } });
    const expected = {
      fingerprint: fingerprintRequest({ provider: 'gemini', model: recipe.spec.model, request: built.request }),
      requestJson: geminiRequestCodec.encode(built.request),
    };
    expect(prepared).toMatchObject({
      kind: 'request',
      key: 'p1_extract',
      fingerprint: expected.fingerprint,
      requestJson: expected.requestJson,
      document: { id: 'p1', path: 'p1.json', sizeBytes: 18, lineage: { document: { id: 'p1', path: 'docs/p1.json' }, upstream: [] } },
    });
    expect(prepared?.kind === 'request' && prepared.lineSize).toBe(Buffer.byteLength(`{"key":"p1_extract","request":${expected.requestJson}}`) + 1);
  });

  it('says why a file is not a document, and why a document cannot be rendered', async () => {
    const broken = file('broken.json', '{"title":');
    const untitled = file('untitled.json', '{"name":"no title field"}');
    const [unreadable, unrenderable] = await prepareDocuments([broken, untitled] as Extract<StageEntry, { kind: 'file' }>[], recipe);
    expect(unreadable).toMatchObject({ kind: 'unreadable', path: 'broken.json', reason: expect.stringContaining('malformed JSON') as unknown });
    expect(unrenderable).toMatchObject({ kind: 'unrenderable', document: { id: 'untitled' }, reason: expect.stringContaining('title') as unknown });
  });
});

describe('preparedEntries', () => {
  it('prepares hundreds of documents on the worker and yields every entry in its original order', async () => {
    const entries: StageEntry[] = [];
    for (let i = 0; i < 300; i++) {
      entries.push(file(`d${i}.json`, JSON.stringify({ title: `paper ${i}` })));
      if (i % 50 === 0) entries.push({ kind: 'excluded', path: `skip-${i}.tmp`, reason: 'excluded by *.tmp' });
    }
    entries.push(file('bad.json', 'not json'));
    const seen: PreparedEntry[] = [];
    for await (const entry of preparedEntries(entries, recipe)) seen.push(entry);
    const pathOf = (entry: StageEntry): string => (entry.kind === 'document' ? entry.document.path : entry.path);
    expect(seen.map((entry) => pathOf(entry.kind === 'prepared' ? entry.task : entry))).toEqual(entries.map(pathOf));
    const keys = seen.flatMap((entry) => (entry.kind === 'prepared' && entry.prepared.kind === 'request' ? [entry.prepared.key] : []));
    expect(keys).toHaveLength(300);
    expect(keys[299]).toBe('d299_extract');
    expect(seen.at(-1)).toMatchObject({ kind: 'prepared', prepared: { kind: 'unreadable', path: 'bad.json' } });
  });

  it('prepares a document of tens of megabytes on the worker, as the main thread would', async () => {
    const big = file('big.json', JSON.stringify({ title: 'big', body: 'soil potassium '.repeat(2_000_000) }));
    const seen: PreparedEntry[] = [];
    for await (const entry of preparedEntries([big], recipe)) seen.push(entry);
    expect(seen).toMatchObject([{ kind: 'prepared', prepared: { kind: 'request', key: 'big_extract' } }]);
    const [entry] = seen;
    expect(entry?.kind === 'prepared' && entry.prepared.kind === 'request' && entry.prepared.lineSize).toBeGreaterThan(30_000_000);
  });

  it('yields nothing for an empty stage', async () => {
    const seen: PreparedEntry[] = [];
    for await (const entry of preparedEntries([], recipe)) seen.push(entry);
    expect(seen).toEqual([]);
  });
});
