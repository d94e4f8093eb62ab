/** @module Every subcommand, registered on the root program. One module per command. */
import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerCollectAndCancelCommands } from './collect-cancel.ts';
import { registerCompareCommand } from './compare.ts';
import { registerEmulatorCommand } from './emulator.ts';
import { registerInitCommand } from './init.ts';
import { registerInspectCommands } from './inspect.ts';
import { registerLineageCommand } from './lineage.ts';
import { registerPlanCommand } from './plan.ts';
import { registerReportCommand } from './report.ts';
import { registerRunCommand } from './run.ts';
import { registerShowCommand } from './show.ts';

/** Adds every subcommand to `program`. */
export function registerCommands(program: Command): void {
  registerInitCommand(program);
  registerPlanCommand(program);
  registerShowCommand(program);
  registerRunCommand(program);
  registerInspectCommands(program);
  registerLineageCommand(program);
  registerReportCommand(program);
  registerAuditCommand(program);
  registerCompareCommand(program);
  registerCollectAndCancelCommands(program);
  registerEmulatorCommand(program);
}
