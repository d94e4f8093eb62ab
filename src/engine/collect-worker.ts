/**
 * @module The collect worker thread: reads a job's result file and judges its lines (see judge-lines.ts), a batch of
 * outcomes per request, while the main thread records the batch before. An empty batch means the file is done.
 */
// Not through providers/index.ts, which would load the provider SDK into this thread for nothing.
import { resultReaderFor } from '../providers/registry.ts';
import type { ResultItem } from '../providers/index.ts';
import { serveBatches } from '../shared/worker-batches.ts';
import { createLineJudge, type JudgeJob, type LineOutcome } from './judge-lines.ts';

/** What the worker is asked: start on a job's result file, or judge up to `next` more of its lines. */
export type JudgeAsk = { start: JudgeJob } | { next: number };

/** A batch also ends at this much answer text (a stage with 200 KB answers must not fill the memory budget). */
const BATCH_TEXT_CHARS = 4 * 1024 * 1024;

let current: { lines: AsyncIterator<ResultItem>; judge: (item: ResultItem) => LineOutcome; done: boolean } | undefined;

async function answer(ask: JudgeAsk): Promise<LineOutcome[]> {
  if ('start' in ask) {
    await current?.lines.return?.();
    const lines = resultReaderFor(ask.start.provider)(ask.start.resultPath)[Symbol.asyncIterator]();
    current = { lines, judge: createLineJudge(ask.start), done: false };
    return [];
  }
  const outcomes: LineOutcome[] = [];
  let chars = 0;
  while (current && !current.done && outcomes.length < ask.next && chars < BATCH_TEXT_CHARS) {
    const next = await current.lines.next();
    if (next.done === true) {
      current.done = true;
      break;
    }
    const outcome = current.judge(next.value);
    outcomes.push(outcome);
    if ('record' in outcome) chars += outcome.record.response?.length ?? 0;
    // Nothing after an unwritable output is judged: its file might be written, and never recorded.
    if (outcome.kind === 'unwritable') current.done = true;
  }
  return outcomes;
}

serveBatches<JudgeAsk, LineOutcome[], undefined>(async (asks) => {
  const answers: LineOutcome[][] = [];
  for (const ask of asks) answers.push(await answer(ask));
  return answers;
});
