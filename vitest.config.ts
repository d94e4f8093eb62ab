import { defineConfig } from 'vitest/config';

/** End-to-end tests are named `*.e2e.test.ts`: they spawn the CLI as a child process (under test/ or beside the command). */
const E2E = ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Crash and end-to-end tests spawn child processes; two cores is all CI has.
    maxWorkers: 2,
    // `npm test` runs both projects; `npm run test:unit` and `npm run test:e2e` run one (`--project`).
    projects: [
      // In-process tests (the in-process emulator on port 0 included): seconds, and a failure points at a module.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: E2E } },
      { extends: true, test: { name: 'e2e', include: [...E2E, 'test/**/*.test.ts'] } },
    ],
  },
});
