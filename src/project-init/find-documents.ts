/**
 * @module Finds the documents a new project is about: the first of `papers/`, `documents/` or the folder itself
 * that holds any, and their kind (JSON, text or PDF) by extension.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, errorMessage } from '../shared/index.ts';

/** Where `truebatch init` looks for documents, in this order; `.` is the project folder itself (top level only). */
export const DOCUMENT_FOLDERS = ['papers', 'documents', '.'] as const;

/** The kinds of document `init` knows; `pdf` is recognised only to say it is not supported yet. */
export const DOCUMENT_KINDS = ['json', 'text', 'pdf'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The extensions of each kind (the corpus reads `.md` and `.txt` as text). */
export const EXTENSIONS_OF: Readonly<Record<DocumentKind, readonly string[]>> = {
  json: ['.json'],
  text: ['.txt', '.md', '.markdown'],
  pdf: ['.pdf'],
};

/** Files in the project folder itself that are never documents. */
const NOT_DOCUMENTS = new Set(['truebatch.config.json', 'package.json', 'package-lock.json', 'tsconfig.json']);
/** Folders never searched: truebatch's own state and what a project writes. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'outputs', 'prompts', 'schemas']);

/** The documents found: their folder relative to the project, kind, and paths relative to that folder (sorted). */
export interface FoundDocuments {
  folder: string;
  kind: DocumentKind;
  files: string[];
}

function kindOf(file: string): DocumentKind | undefined {
  const extension = path.extname(file).toLowerCase();
  return DOCUMENT_KINDS.find((kind) => EXTENSIONS_OF[kind].includes(extension));
}

function isConsolidationFile(name: string): boolean {
  // The corpus excludes these by default (DEFAULT_EXCLUDE); they are not documents either.
  return name === 'complete_dataset.json' || name.endsWith('_dataset.json');
}

async function filesIn(projectDir: string, folder: string): Promise<string[]> {
  const absolute = path.join(projectDir, folder);
  const topLevelOnly = folder === '.';
  let entries;
  try {
    entries = await readdir(absolute, { withFileTypes: true, recursive: !topLevelOnly });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new ConfigError(`could not read ${absolute}: ${errorMessage(error)}`, { cause: error });
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const relative = path.relative(absolute, path.join(entry.parentPath, entry.name));
    const parts = relative.split(path.sep);
    if (parts.some((part) => part.startsWith('.')) || parts.slice(0, -1).some((part) => SKIPPED_FOLDERS.has(part))) continue;
    if (isConsolidationFile(entry.name) || (topLevelOnly && NOT_DOCUMENTS.has(entry.name))) continue;
    if (kindOf(entry.name) !== undefined) files.push(relative.split(path.sep).join('/'));
  }
  return files.sort();
}

/** The kind most files have (`want` if given), ties going to the order of {@link DOCUMENT_KINDS}. */
function dominantKind(files: readonly string[], want: DocumentKind | undefined): DocumentKind | undefined {
  if (want !== undefined) return files.some((file) => kindOf(file) === want) ? want : undefined;
  const counts = DOCUMENT_KINDS.map((kind) => files.filter((file) => kindOf(file) === kind).length);
  const most = Math.max(...counts);
  return most === 0 ? undefined : DOCUMENT_KINDS[counts.indexOf(most)];
}

/**
 * The documents of the first folder in {@link DOCUMENT_FOLDERS} that has any (of kind `want`, when given).
 * Throws {@link ConfigError} naming every folder looked in when there are none.
 */
export async function findDocuments(projectDir: string, want?: DocumentKind): Promise<FoundDocuments> {
  for (const folder of DOCUMENT_FOLDERS) {
    const files = await filesIn(projectDir, folder);
    const kind = dominantKind(files, want);
    if (kind !== undefined) return { folder, kind, files: files.filter((file) => kindOf(file) === kind) };
  }
  const looked = DOCUMENT_FOLDERS.map((folder) => path.join(projectDir, folder === '.' ? '' : folder) + path.sep).join(', ');
  const what = want === undefined ? 'documents (.json, .txt, .md)' : `${want} documents (${EXTENSIONS_OF[want].join(', ')})`;
  throw new ConfigError(
    `no ${what} found in ${looked}. Put your documents in ${path.join(projectDir, 'papers')}${path.sep} and run truebatch init again`,
  );
}
