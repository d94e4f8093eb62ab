import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { customIdOf, jobTag, keysByLine, parseCustomId } from './anthropic-ids.ts';

describe('Anthropic custom_id mapping', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('names each line within Anthropic limits (1-64 of [a-zA-Z0-9_-]), whatever the key, and reads the name back', () => {
    const tag = jobTag('tb-project-extract-12');
    expect(tag).toMatch(/^[0-9a-f]{16}$/);
    expect(jobTag('tb-project-extract-13')).not.toBe(tag);
    const id = customIdOf(tag, 100_000);
    expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(parseCustomId(id)).toEqual({ tag, lineNumber: 100_000 });
    expect(parseCustomId('someone-elses-id')).toBeUndefined();
    expect(parseCustomId(`${tag}-0`)).toBeUndefined();
  });

  it("finds the keys again in the job's input file, by line, however long or odd they are", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'truebatch-anthropic-ids-'));
    dirs.push(dir);
    const odd = `docs/Ünïcode name with spaces & slashes ${'x'.repeat(100)}.pdf#extract`;
    const path = join(dir, 'shard.jsonl');
    await writeFile(path, `${JSON.stringify({ key: 'a', request: {} })}\n${JSON.stringify({ key: odd, request: {} })}\n`);
    expect(await keysByLine(path)).toEqual(new Map([[1, 'a'], [2, odd]]));
  });
});
