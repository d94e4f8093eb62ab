/** @module Starting a project: find a folder's documents and render a config, prompt and schema for them. */
export { prepareProject, FIELD_SAMPLE_SIZE, type PreparedProject } from './prepare-project.ts';
export { DOCUMENT_FOLDERS, DOCUMENT_KINDS, type DocumentKind, type FoundDocuments } from './find-documents.ts';
export { CONFIG_PATH, PROMPT_PATH, SCHEMA_PATH, STAGE_NAME, type ProjectFile } from './project-files.ts';
