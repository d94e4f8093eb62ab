/**
 * End to end (issue #19, repairs counted): the soil-k demo's scripted faults, as the emulator counts them, are the
 * repairs and retries its run summary reports, kind by kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FaultConfig } from '../src/emulator/faults.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { copySoilK, useGeminiProvider } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

interface StageJson {
  stage: string;
  repairs: { kind: string; attempts: number }[];
  repairFields: { kind: string; field: string; attempts: number }[];
  failures: { kind: string; attempts: number; resubmitted: number }[];
}

describe('repairs counted (end to end)', () => {
  it("the soil-k summary's repairs and resubmissions by kind are the faults the emulator injected", async () => {
    const project = copySoilK();
    const config = parse(readFileSync(join(project, 'truebatch.config.yaml'), 'utf8')) as { emulator: { seed: number; faults: FaultConfig } };
    useGeminiProvider(project);
    const { server, env } = await emulator({ seed: config.emulator.seed, faults: config.emulator.faults });
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.code).toBe(0);

    const summary = JSON.parse(result.stdout) as { stages: StageJson[] };
    const reported: Record<string, number> = {};
    const add = (kind: string, count: number): void => {
      if (count > 0) reported[kind] = (reported[kind] ?? 0) + count;
    };
    for (const stage of summary.stages) {
      for (const repair of stage.repairs) add(repair.kind, repair.attempts);
      for (const failure of stage.failures) add(failure.kind, failure.attempts);
    }
    const injected = server.stats().lineFaultsByKind;
    expect(Object.keys(injected).sort()).toEqual(['alias', 'fence', 'prose', 'truncated']);
    expect(reported).toEqual(injected);
    // By field: the one alias the demo scripts, renamed back in every answer that used it.
    expect(summary.stages.flatMap((stage) => stage.repairFields)).toEqual([{ kind: 'alias', field: '/quantitative_findings', attempts: injected['alias'] }]);
    // Every failed first answer was resubmitted (faults hit first submissions only) and came back valid.
    for (const stage of summary.stages) for (const failure of stage.failures) expect(failure.resubmitted).toBe(failure.attempts);
  });
});
