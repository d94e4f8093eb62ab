/**
 * @module A hostile project generated on disk for end-to-end tests: three stages whose input folders hold every
 * kind of bad document (malformed, empty, binary, non-UTF-8, too large, duplicate ids, unsafe ids and names,
 * symbolic links out of the folder), next to a folder outside the project that nothing may touch; plus a
 * snapshot of a whole folder tree to prove that nothing was written where it should not be.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A bad input file and what the corpus must say about it. */
export interface ExpectedIssue {
  stage: string;
  /** Relative to the stage's input folder; folders end with `/`. */
  path: string;
  kind: 'excluded' | 'invalid';
  reason: RegExp;
}

/** The generated project and what a run of it must produce. */
export interface HostileProject {
  /** The temp root holding `project/` and `outside/`. */
  root: string;
  project: string;
  /** A folder outside the project that symbolic links point into. */
  outside: string;
  /** Per stage: the request keys that must end valid with an output. */
  validKeys: Record<string, string[]>;
  issues: ExpectedIssue[];
  /** The document ids refused at plan time for size: their keys must never reach the provider. */
  tooLargeKeys: string[];
}

/** A file stem of 223 bytes: the output name must be cut short, and stay distinct. */
const LONG_STEM = `${'long-name-'.repeat(22)}end`;

const SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string' }, findings: { type: 'array', items: { type: 'string' }, minItems: 1 } },
  required: ['title', 'findings'],
};

const paper = (title: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ title, abstract: `Exchangeable potassium rose after ${title.length * 10} kg/ha of K2O.`, ...extra }, null, 2);

/**
 * Writes the hostile project. Stage `extract` (docs/, output names `{id}.json`, links not followed), stage
 * `linked` (linked/, `followSymlinks: true`) and stage `byid` (ids/, `idField: id`, a prompt needing `{{title}}`).
 * Every stage has `maxInputTokens: 2000`.
 */
export function makeHostileProject(): HostileProject {
  const root = mkdtempSync(join(tmpdir(), 'tb-hostile-'));
  const project = join(root, 'project');
  const outside = join(root, 'outside');
  for (const dir of ['docs', 'linked', 'ids']) mkdirSync(join(project, dir), { recursive: true });
  mkdirSync(join(outside, 'more'), { recursive: true });
  writeFileSync(join(outside, 'secret.json'), paper('Secret outside the input folder'));
  writeFileSync(join(outside, 'more', 'other.json'), paper('Another secret'));

  const docs: Record<string, string | Uint8Array> = {
    'good.json': paper('Good paper'),
    'bom.json': `\uFEFF${paper('Paper with a byte-order mark')}`,
    'notes.md': '# Field notes\n\nPotassium rose by 12 mg/kg.\n',
    'my paper.json': paper('Paper with a space in its name'),
    '研究.json': paper('土壌カリウムの研究'),
    'CON.json': paper('Reserved device name'),
    'nul.json': paper('Another reserved device name'),
    'weird..name.json': paper('Two dots inside the name'),
    '..weird.json': paper('Leading dots'),
    'a.json': paper('First document with id a'),
    'a.md': '# Same id as a.json\n',
    'malformed.json': '{\n  "title": "Trailing comma",\n}\n',
    'empty.json': '',
    'blank.txt': '   \n\n',
    'binary.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    'latin1.md': new Uint8Array([...Buffer.from('# Caf'), 0xe9, 0x0a]),
    'utf16.txt': new Uint8Array([0xff, 0xfe, 0x48, 0x00, 0x69, 0x00]),
    'array.json': '[{"title": "one"}]',
    'huge.json': paper('Far too large', { body: 'Potassium and yield. '.repeat(3000) }),
    'what?.json': paper('A question mark, which Windows forbids'),
    'back\\slash.json': paper('A backslash in the file name'),
    [`${LONG_STEM}.json`]: paper('A very long file name'),
    'sub/deep.json': paper('Nested one folder down'),
    'sub/good.json': paper('Same stem as good.json, one folder down'),
  };
  mkdirSync(join(project, 'docs', 'sub'));
  for (const [name, content] of Object.entries(docs)) writeFileSync(join(project, 'docs', name), content);
  execFileSync('mkfifo', [join(project, 'docs', 'pipe.json')]);
  symlinkSync('../../outside/secret.json', join(project, 'docs', 'link-out.json'));
  symlinkSync('good.json', join(project, 'docs', 'link-in.json'));

  writeFileSync(join(project, 'linked', 'real.json'), paper('A real file among links'));
  symlinkSync('real.json', join(project, 'linked', 'inner-link.json'));
  symlinkSync('../../outside/secret.json', join(project, 'linked', 'escape.json'));
  symlinkSync('../../outside/more', join(project, 'linked', 'escape-dir'));

  const ids: Record<string, unknown> = {
    'one.json': { id: 'p-1', title: 'Plain id' },
    'twin.json': { id: 'p-1', title: 'Duplicate id' },
    'evil.json': { id: '../evil', title: 'Climbs out' },
    'slash.json': { id: 'a/b', title: 'Has a slash' },
    'backslash.json': { id: 'c\\d', title: 'Has a backslash' },
    'dots.json': { id: '..', title: 'Only dots' },
    'device.json': { id: 'CON', title: 'Device name id' },
    'spaces.json': { id: ' padded id ', title: 'Spaces around' },
    'noid.json': { title: 'No id at all' },
    'objectid.json': { id: { value: 3 }, title: 'Object id' },
    'notitle.json': { id: 'p-9', abstract: 'The prompt needs a title this document lacks.' },
  };
  for (const [name, value] of Object.entries(ids)) writeFileSync(join(project, 'ids', name), JSON.stringify(value));

  writeFileSync(join(project, 'schema.json'), JSON.stringify(SCHEMA, null, 2));
  writeFileSync(
    join(project, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      'polling: { initialIntervalMs: 50, maxIntervalMs: 200 }',
      'stages:',
      '  - name: extract',
      '    input: { dir: docs }',
      '    prompt: { template: "Extract the title and findings as JSON.\\n\\n{{document}}" }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      '    output: { fileName: "{id}.json" }',
      '    maxInputTokens: 2000',
      '  - name: linked',
      '    input: { dir: linked, followSymlinks: true }',
      '    prompt: { template: "Extract the title and findings as JSON.\\n\\n{{document}}" }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      '    maxInputTokens: 2000',
      '  - name: byid',
      '    input: { dir: ids, idField: id }',
      '    prompt: { template: "Title: {{title}}\\n\\nExtract the title and findings as JSON.\\n\\n{{document}}" }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      '    maxInputTokens: 2000',
      '',
    ].join('\n'),
  );

  const NOT_FOLLOWED = /^symbolic link, not followed/;
  const issues: ExpectedIssue[] = [
    { stage: 'extract', path: '..weird.json', kind: 'excluded', reason: /^hidden file \(matches \*\*\/\.\*\)$/ },
    { stage: 'extract', path: 'a.md', kind: 'invalid', reason: /^duplicate id `a`: already used by a\.json, which keeps it \((?:it comes first in path order|an earlier run used it)\); a\.md is not processed: rename one of them, or set input\.idField/ },
    { stage: 'extract', path: 'array.json', kind: 'invalid', reason: /^JSON is an array, not an object/ },
    { stage: 'extract', path: 'back\\slash.json', kind: 'invalid', reason: /^id "back\\\\slash" contains `\/`, `\\`/ },
    { stage: 'extract', path: 'pipe.json', kind: 'excluded', reason: /^not a regular file$/ },
    { stage: 'extract', path: 'sub/good.json', kind: 'invalid', reason: /^duplicate id `good`: already used by good\.json, which keeps it \((?:it comes first in path order|an earlier run used it)\); sub\/good\.json is not processed: rename one/ },
    { stage: 'extract', path: 'binary.txt', kind: 'invalid', reason: /^truncated PNG image \(no IEND chunk at its end\): export or download it again \(image\/png, 12 bytes\)$/ },
    { stage: 'extract', path: 'blank.txt', kind: 'invalid', reason: /^empty file \(only whitespace/ },
    { stage: 'extract', path: 'empty.json', kind: 'invalid', reason: /^empty file \(0 bytes\)$/ },
    { stage: 'extract', path: 'huge.json', kind: 'invalid', reason: /^too large: about \d+ input tokens, over maxInputTokens 2000 \(\d+ bytes\); not sent$/ },
    { stage: 'extract', path: 'latin1.md', kind: 'invalid', reason: /^not valid UTF-8: byte 0xe9 at offset 5 \(line 1, column 6\)/ },
    { stage: 'extract', path: 'link-in.json', kind: 'excluded', reason: NOT_FOLLOWED },
    { stage: 'extract', path: 'link-out.json', kind: 'excluded', reason: NOT_FOLLOWED },
    { stage: 'extract', path: 'malformed.json', kind: 'invalid', reason: /^malformed JSON at line 3, column 1/ },
    { stage: 'extract', path: 'utf16.txt', kind: 'invalid', reason: /^UTF-16 text/ },
    { stage: 'linked', path: 'escape-dir/', kind: 'excluded', reason: /^symbolic link to \.\.\/\.\.\/outside\/more, which is outside the input folder$/ },
    { stage: 'linked', path: 'escape.json', kind: 'excluded', reason: /^symbolic link to \.\.\/\.\.\/outside\/secret\.json, which is outside the input folder$/ },
    { stage: 'byid', path: 'backslash.json', kind: 'invalid', reason: /contains `\/`, `\\`/ },
    { stage: 'byid', path: 'twin.json', kind: 'invalid', reason: /^duplicate id `p-1`: already used by one\.json, which keeps it \((?:it comes first in path order|an earlier run used it)\); twin\.json is not processed: give one of them another `id`$/ },
    { stage: 'byid', path: 'evil.json', kind: 'invalid', reason: /^id "\.\.\/evil" contains `\/`/ },
    { stage: 'byid', path: 'noid.json', kind: 'invalid', reason: /^idField `id` is missing$/ },
    { stage: 'byid', path: 'notitle.json', kind: 'invalid', reason: /p-9.*"title"/ },
    { stage: 'byid', path: 'objectid.json', kind: 'invalid', reason: /^idField `id` is an object; expected a string$/ },
    { stage: 'byid', path: 'slash.json', kind: 'invalid', reason: /^id "a\/b" contains `\/`/ },
  ];
  return {
    root,
    project,
    outside,
    validKeys: {
      extract: ['CON', 'a', 'bom', 'deep', 'good', LONG_STEM, 'my paper', 'notes', 'nul', 'weird..name', 'what?', '研究'].map((id) => `${id}_extract`),
      linked: ['inner-link_linked', 'real_linked'],
      byid: ['.._byid', 'CON_byid', 'p-1_byid', 'padded id_byid'],
    },
    issues,
    tooLargeKeys: ['huge_extract'],
  };
}

/** Every path under `dir` (links not followed) with a fingerprint of what it is: file hash, link target or folder. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (folder: string, prefix: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) out.set(relative, `link:${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        out.set(`${relative}/`, 'folder');
        walk(path, relative);
      } else if (stats.isFile()) out.set(relative, `file:${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
      else out.set(relative, `special:${stats.mode}`); // a FIFO must not be opened: reading it would block
    }
  };
  walk(dir, '');
  return out;
}

/** The paths added, removed or changed between two snapshots. */
export function diffTrees(before: Map<string, string>, after: Map<string, string>): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((path) => !before.has(path));
  const removed = [...before.keys()].filter((path) => !after.has(path));
  const changed = [...after.keys()].filter((path) => before.has(path) && before.get(path) !== after.get(path));
  return { added, removed, changed };
}
