/** @module From a folder to the files of a new project: find the documents, read their fields, render the files. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../shared/index.ts';
import { findDocuments, type DocumentKind, type FoundDocuments } from './find-documents.ts';
import { tallyJsonFields, type JsonFields } from './json-fields.ts';
import { renderProjectTemplate, type ProjectTemplate } from './project-files.ts';

/** How many JSON documents are read to find the shared fields; enough to see the corpus's shape, quick on 100k. */
export const FIELD_SAMPLE_SIZE = 500;

/** A new project, ready to write. */
export interface PreparedProject {
  documents: FoundDocuments;
  fields?: JsonFields;
  template: ProjectTemplate;
}

function pdfNotSupported(where: string): ConfigError {
  return new ConfigError(
    `${where}: PDF documents are not supported yet. Export each PDF's text to a .txt file ` +
      '(for example `pdftotext paper.pdf paper.txt`, from poppler-utils) into a papers/ folder, ' +
      'then run truebatch init --documents text',
  );
}

/** The JSON objects among the first {@link FIELD_SAMPLE_SIZE} files; others are left to `plan` to report. */
async function readJsonObjects(folder: string, files: readonly string[]): Promise<Record<string, unknown>[]> {
  const objects: Record<string, unknown>[] = [];
  for (const file of files.slice(0, FIELD_SAMPLE_SIZE)) {
    try {
      const value: unknown = JSON.parse((await readFile(path.join(folder, file), 'utf8')).replace(/^\uFEFF/, ''));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) objects.push(value as Record<string, unknown>);
    } catch {
      // An unreadable or malformed document is not a template question: `plan` names it with its reason.
    }
  }
  return objects;
}

/**
 * Finds `projectDir`'s documents (of kind `want`, when given) and renders a project for them.
 * Throws {@link ConfigError} when there are none, or when they are PDFs.
 */
export async function prepareProject(projectDir: string, want?: DocumentKind): Promise<PreparedProject> {
  if (want === 'pdf') throw pdfNotSupported('--documents pdf');
  const documents = await findDocuments(projectDir, want);
  const folder = path.join(projectDir, documents.folder);
  if (documents.kind === 'pdf') throw pdfNotSupported(`${folder}${path.sep} holds ${documents.files.length} PDF file(s)`);
  if (documents.kind !== 'json') return { documents, template: renderProjectTemplate({ documents }) };
  const fields = tallyJsonFields(await readJsonObjects(folder, documents.files));
  return { documents, fields, template: renderProjectTemplate({ documents, fields }) };
}
