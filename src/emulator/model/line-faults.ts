/**
 * @module Decides and applies a batch line's scripted faults. Each fault is a separate seeded draw per
 * (seed, key, submission, fault name), so the same line fails the same way on every run while a resubmission of
 * the key (a new `submission`) draws afresh. Faults apply only to keys containing `keyContains` (when set) and only
 * to the first `maxSubmissionsPerKey` submissions (when set).
 */
import type { Rng } from '../../shared/index.ts';
import type { LineFaults } from '../faults.ts';
import { rngFromLabel } from './seeding.ts';

/** How a JSON answer is damaged. */
export type Malformation =
  | { readonly kind: 'fence' }
  | { readonly kind: 'prose'; readonly before: string | undefined; readonly after: string | undefined }
  | { readonly kind: 'truncated' };

/**
 * A scripted fault as it shows in a line's answer, what the emulator's stats count (`lineFaultsByKind`) so a test can
 * hold a run's repairs and retries against what was injected (issue #19).
 */
export type LineFaultKind = 'error' | 'safety-block' | 'empty' | 'alias' | Malformation['kind'];

/** What happens to one line. */
export type LinePlan =
  | { readonly kind: 'error'; readonly code: number; readonly message: string }
  | { readonly kind: 'safety-block' }
  | { readonly kind: 'empty'; readonly candidatesField: 'empty-array' | 'absent' }
  | {
      readonly kind: 'answer';
      readonly aliases: Readonly<Record<string, string>> | undefined;
      readonly malformation: Malformation | undefined;
    };

/** Where a line stands: which run, which key, which submission of that key. */
export interface LineIdentity {
  readonly seed: number;
  readonly key: string | undefined;
  readonly submission: number;
}

const CLEAN: LinePlan = { kind: 'answer', aliases: undefined, malformation: undefined };
const ERRORS = [
  { code: 500, message: 'Internal error encountered.' },
  { code: 429, message: 'Resource has been exhausted (e.g. check quota).' },
] as const;
const PROSE_BEFORE = [
  'Here is the requested JSON:',
  'Sure! Here is the extracted information.',
  'Below is the result.',
];
const PROSE_AFTER = [
  'Let me know if you need anything else.',
  'I hope this helps!',
  'All fields were taken from the text.',
];

/** Whether faults apply to this line at all. */
export function faultsApply(faults: LineFaults, line: LineIdentity): boolean {
  if (faults.keyContains !== undefined && !(line.key ?? '').includes(faults.keyContains)) return false;
  return faults.maxSubmissionsPerKey === undefined || line.submission <= faults.maxSubmissionsPerKey;
}

/** The seeded draw for one fault; the returned generator also makes that fault's follow-up choices. */
function draw(line: LineIdentity, fault: string, rate: number): Rng | undefined {
  if (rate <= 0) return undefined;
  const rng = rngFromLabel(`${line.seed}\u0000${line.key ?? ''}\u0000${line.submission}\u0000${fault}`);
  return rng.next() < rate ? rng : undefined;
}

/** Decides a line's fate: an error, a blocked prompt, no candidates, or an answer (possibly aliased / malformed). */
export function planLine(faults: LineFaults, line: LineIdentity): LinePlan {
  if (!faultsApply(faults, line)) return CLEAN;
  const error = draw(line, 'error', faults.errorRate);
  if (error !== undefined) return { kind: 'error', ...error.pick(ERRORS) };
  if (draw(line, 'safetyBlock', faults.safetyBlockRate) !== undefined) return { kind: 'safety-block' };
  const empty = draw(line, 'emptyCandidate', faults.emptyCandidateRate);
  if (empty !== undefined) return { kind: 'empty', candidatesField: empty.next() < 0.5 ? 'empty-array' : 'absent' };
  const aliased = Object.keys(faults.aliases).length > 0 && draw(line, 'alias', faults.aliasRate) !== undefined;
  const malformed = draw(line, 'malformed', faults.malformedRate);
  return {
    kind: 'answer',
    aliases: aliased ? faults.aliases : undefined,
    malformation: malformed === undefined ? undefined : chooseMalformation(malformed, faults.malformedKinds),
  };
}

function chooseMalformation(rng: Rng, kinds: LineFaults['malformedKinds']): Malformation {
  const kind = rng.pick(kinds);
  if (kind !== 'prose') return { kind };
  const placement = rng.int(3);
  return {
    kind,
    before: placement === 1 ? undefined : rng.pick(PROSE_BEFORE),
    after: placement === 0 ? undefined : rng.pick(PROSE_AFTER),
  };
}

/** `value` with every object key found in `aliases` renamed, at any depth; `renamed` counts the keys renamed. */
export function renameFields(value: unknown, aliases: Readonly<Record<string, string>>): { value: unknown; renamed: number } {
  let renamed = 0;
  const rename = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rename);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node)) {
      const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
      if (alias !== undefined && alias !== name) renamed++;
      out[alias ?? name] = rename(child);
    }
    return out;
  };
  return { value: rename(value), renamed };
}

/** The JSON text damaged as planned; `truncated` says the answer was cut short (finish reason MAX_TOKENS). */
export function malformText(text: string, malformation: Malformation): { text: string; truncated: boolean } {
  switch (malformation.kind) {
    case 'fence':
      return { text: `\`\`\`json\n${text}\n\`\`\``, truncated: false };
    case 'prose':
      return {
        text: [malformation.before, text, malformation.after].filter((part) => part !== undefined).join('\n\n'),
        truncated: false,
      };
    case 'truncated': {
      let cut = Math.max(1, Math.floor(text.length / 2));
      if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
      return { text: text.slice(0, cut), truncated: true };
    }
  }
}
