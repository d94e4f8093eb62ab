/**
 * @module The files `truebatch init` writes: a commented config, a prompt whose placeholders every document can
 * fill, and a response schema. Text only; the caller writes them.
 */
import type { DocumentKind, FoundDocuments } from './find-documents.ts';
import { EXTENSIONS_OF } from './find-documents.ts';
import { fieldsInEveryDocument, fieldsInSomeDocuments, type FieldStats, type JsonFields } from './json-fields.ts';

/** The one stage a new project has. */
export const STAGE_NAME = 'extract';
/** Where the files go, relative to the project folder. */
export const CONFIG_PATH = 'truebatch.config.yaml';
export const PROMPT_PATH = `prompts/${STAGE_NAME}.md`;
export const SCHEMA_PATH = `schemas/${STAGE_NAME}.schema.json`;
/** The model a new project uses; it is in the built-in price table, so `plan` can price it. */
export const DEFAULT_MODEL = 'gemini-2.5-flash';

/** A field whose longest value is longer than this is given its own paragraph in the prompt. */
const SHORT_FIELD_MAX_CHARS = 200;

/** One file to write, relative to the project folder. */
export interface ProjectFile {
  path: string;
  text: string;
}

/** What a new project is made from. */
export interface ProjectTemplateInput {
  documents: FoundDocuments;
  /** The tally of the JSON documents' fields (JSON documents only). */
  fields?: JsonFields;
}

/** The new project's files and the placeholders its prompt uses. */
export interface ProjectTemplate {
  files: ProjectFile[];
  placeholders: string[];
}

/** The prompt's placeholders: the fields every JSON document fills, else the whole document. */
export function promptPlaceholders(kind: DocumentKind, fields: JsonFields | undefined): FieldStats[] | 'document' {
  if (kind !== 'json' || fields === undefined) return 'document';
  const everywhere = fieldsInEveryDocument(fields);
  return everywhere.length === 0 ? 'document' : everywhere;
}

function renderPrompt(placeholders: FieldStats[] | 'document'): string {
  const intro = [
    'Read the document below and answer with one JSON object that has:',
    '- `summary`: two or three sentences on what the document reports and concludes;',
    '- `key_points`: the findings or claims that matter most, one short sentence each;',
    '- `keywords`: a few words or phrases that name its subject.',
    'Use only what the document says. Answer with the JSON object only: no code fences, no commentary.',
    '',
  ];
  if (placeholders === 'document') return [...intro, 'The document follows.', '', '{{document}}', ''].join('\n');
  const short = placeholders.filter((field) => field.longestText <= SHORT_FIELD_MAX_CHARS);
  const long = placeholders.filter((field) => field.longestText > SHORT_FIELD_MAX_CHARS);
  return [
    ...intro,
    ...short.map((field) => `${field.name}: {{${field.name}}}`),
    ...long.flatMap((field) => ['', `${field.name}:`, `{{${field.name}}}`]),
    '',
  ].join('\n');
}

/** The response schema: what the prompt asks for, so the emulator's simulated model and Gemini both answer it. */
export function renderSchema(): string {
  const schema = {
    type: 'object',
    properties: {
      summary: { type: 'string', description: 'Two or three sentences on what the document reports and concludes.' },
      key_points: { type: 'array', items: { type: 'string' }, description: 'The findings or claims that matter most.' },
      keywords: { type: 'array', items: { type: 'string' }, description: 'Words or phrases naming the subject.' },
    },
    required: ['summary', 'key_points'],
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function yamlList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

function placeholderComment(kind: DocumentKind, placeholders: FieldStats[] | 'document', fields: JsonFields | undefined): string[] {
  if (placeholders === 'document') {
    const why =
      kind === 'json'
        ? '# No field is in every document, so the prompt passes each whole document as {{document}} (its JSON).'
        : '# The prompt passes each document whole as {{document}}.';
    return [why];
  }
  const partial = fields === undefined ? [] : fieldsInSomeDocuments(fields).map((field) => field.name);
  return [
    `# The prompt uses the fields every document has: ${placeholders.map((field) => field.name).join(', ')}.`,
    ...(partial.length === 0
      ? []
      : [`# Left out because some documents lack them (a document missing a placeholder's field is invalid): ${partial.join(', ')}.`]),
    '# {{document}} is the whole document as JSON; {{a.b}} reaches into an object.',
  ];
}

function renderConfig(input: ProjectTemplateInput, placeholders: FieldStats[] | 'document'): string {
  const { folder, kind, files } = input.documents;
  const topLevelOnly = folder === '.';
  const include = EXTENSIONS_OF[kind].map((extension) => `${topLevelOnly ? '' : '**/'}*${extension}`);
  const described = `${files.length} ${kind === 'json' ? 'JSON' : 'text'} document(s) in ${topLevelOnly ? 'this folder' : `${folder}/`}`;
  return [
    `# truebatch project written by \`truebatch init\` for ${described}.`,
    '# `truebatch plan` shows what a run would submit and cost; `truebatch run` runs it.',
    '#',
    '# It runs on the built-in emulator of the Gemini Batch API: a simulated model, no API key, no cost. To run on',
    '# Google, set `provider: gemini` (or pass --provider gemini) and export GEMINI_API_KEY; check `truebatch plan` first.',
    'provider: emulator',
    `model: ${DEFAULT_MODEL}`,
    '',
    'stages:',
    `  - name: ${STAGE_NAME}`,
    '    input:',
    `      dir: ${folder === '.' ? "'.'" : folder}`,
    `      include: ${yamlList(include)}`,
    // The project folder itself also holds this config and tool files; they are not documents.
    ...(topLevelOnly ? [`      exclude: ${yamlList(['truebatch.config.json', 'package.json', 'package-lock.json', 'tsconfig.json'])}`] : []),
    `    # Each document's id is its file name without the extension; set input.idField to take it from a JSON field.`,
    ...placeholderComment(kind, placeholders, input.fields).map((line) => `    ${line}`),
    '    prompt:',
    `      file: ${PROMPT_PATH}`,
    '    generationConfig:',
    '      temperature: 0.1',
    '      responseMimeType: application/json',
    `      responseJsonSchemaFile: ${SCHEMA_PATH}`,
    '    # One JSON output per document; an answer that does not match the schema is resubmitted, up to maxAttempts.',
    '    output:',
    `      dir: outputs/${STAGE_NAME}`,
    '    maxAttempts: 3',
    '',
  ].join('\n');
}

/** The config, prompt and schema for `input`'s documents. Only JSON and text documents can make a project. */
export function renderProjectTemplate(input: ProjectTemplateInput): ProjectTemplate {
  const placeholders = promptPlaceholders(input.documents.kind, input.fields);
  return {
    files: [
      { path: CONFIG_PATH, text: renderConfig(input, placeholders) },
      { path: PROMPT_PATH, text: renderPrompt(placeholders) },
      { path: SCHEMA_PATH, text: renderSchema() },
    ],
    placeholders: placeholders === 'document' ? ['document'] : placeholders.map((field) => field.name),
  };
}
