/**
 * `truebatch run` on a terminal (a pseudo-terminal through `script`): the final table starts on its own line below
 * the progress bars, and a finished job's bar stops counting seconds while later jobs run.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInPty, screenOf } from './support/pty.ts';

const COLS = 160;

/** Three papers and two stages on the embedded emulator, whose jobs take 2.5 s: the first stage's bar stays up while the second runs. */
function twoStageProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-terminal-'));
  mkdirSync(join(dir, 'docs'));
  for (let i = 1; i <= 3; i++) writeFileSync(join(dir, 'docs', `paper${i}.json`), JSON.stringify({ title: `Paper ${i}`, year: 2000 + i }));
  writeFileSync(join(dir, 'first.md'), 'Summarise {{title}} ({{year}}) as JSON.\n');
  writeFileSync(join(dir, 'second.md'), 'Rate this summary as JSON: {{document}}\n');
  writeFileSync(
    join(dir, 'truebatch.config.yaml'),
    [
      'provider: emulator',
      'model: gemini-2.5-flash',
      'emulator: { seed: 0, jobDurationMs: 2500 }',
      'polling: { initialIntervalMs: 50, maxIntervalMs: 100 }',
      'stages:',
      '  - { name: first, input: { dir: docs }, prompt: { file: first.md }, generationConfig: { responseMimeType: application/json } }',
      '  - { name: second, input: { stage: first }, prompt: { file: second.md }, generationConfig: { responseMimeType: application/json } }',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Every drawing of a job's bar in the terminal's bytes: its job name, elapsed time and state. */
function barDrawings(output: string): { job: string; elapsed: string; state: string }[] {
  const drawing = / (\S+-(?:first|second)-\d+) \|[^|]*\| \d+\/\d+ done, \d+ failed \| (\S+) \| (\w+)/g;
  return [...output.matchAll(drawing)].map(([, job, elapsed, state]) => ({ job: job ?? '', elapsed: elapsed ?? '', state: state ?? '' }));
}

const seconds = (elapsed: string): number => Number.parseInt(elapsed, 10);

describe('truebatch run on a terminal (end to end, pseudo-terminal)', () => {
  it('prints the final table on its own lines after the bars, and stops the clock of a finished bar', async () => {
    const project = twoStageProject();
    const run = await runCliInPty(['run', '--project', project], { cols: COLS, rows: 50 });
    expect(run.code, run.output).toBe(0);

    const screen = screenOf(run.output, COLS);
    const header = screen.findIndex((line) => /^stage\s+requests\s/.test(line));
    expect(header, screen.join('\n')).toBeGreaterThan(0);
    const bars = screen.map((line, index) => ({ line, index })).filter(({ line }) => /^ \S+-(first|second)-\d+ \|/.test(line));
    // One line per job, each drawn whole, all above the table, and nothing of theirs glued to it.
    expect(bars.map(({ line }) => line.match(/-(first|second)-/)?.[1])).toEqual(['first', 'second']);
    expect(bars.every(({ line }) => / \| collected$/.test(line)), screen.join('\n')).toBe(true);
    expect(bars.every(({ index }) => index < header)).toBe(true);
    expect(screen[header - 1]).toMatch(/ \| collected$|^$/);
    // Notices printed while the bars were live stay on screen, above them (they were lost before the first redraw).
    expect(screen.findIndex((line) => line.startsWith('second: '))).toBeGreaterThan(-1);
    expect(screen.findIndex((line) => line.startsWith('second: '))).toBeLessThan(bars[0]?.index ?? 0);
    const rows = screen.slice(header + 1, header + 3);
    expect(rows.map((line) => line.split(/\s+/)[0])).toEqual(['first', 'second']);

    // The first job finished while the second ran for seconds: every drawing of it once finished shows one time.
    const drawings = barDrawings(run.output);
    const firstJob = drawings.find((d) => d.job.includes('-first-'))?.job;
    const finishedFirst = drawings.filter((d) => d.job === firstJob && ['succeeded', 'collected'].includes(d.state));
    expect(finishedFirst.length).toBeGreaterThan(0);
    expect(new Set(finishedFirst.map((d) => d.elapsed))).toEqual(new Set([finishedFirst[0]?.elapsed]));
    // ...and the second stage's job did run long enough for a running clock to have moved on.
    const second = drawings.filter((d) => d.job.includes('-second-'));
    expect(seconds(second.at(-1)?.elapsed ?? '0s')).toBeGreaterThanOrEqual(2);
  });
});
