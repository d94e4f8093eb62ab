import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.ts';
import { packageVersion } from './package-version.ts';

const ownPackage = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('packageVersion', () => {
  it("is the version in truebatch's own package.json", () => {
    expect(packageVersion()).toBe(ownPackage.version);
  });

  it('reads whichever package.json it is given, and refuses one without a version', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-version-'));
    try {
      await writeFile(path.join(dir, 'a.json'), JSON.stringify({ version: '9.8.7' }));
      await writeFile(path.join(dir, 'b.json'), JSON.stringify({ name: 'x' }));
      expect(packageVersion(pathToFileURL(path.join(dir, 'a.json')))).toBe('9.8.7');
      expect(() => packageVersion(pathToFileURL(path.join(dir, 'b.json')))).toThrow(/b\.json has no "version" string/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('truebatch --version', () => {
  it('prints the version and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result).toMatchObject({ code: 0, stdout: `${ownPackage.version}\n`, stderr: '' });
    }
  });
});
