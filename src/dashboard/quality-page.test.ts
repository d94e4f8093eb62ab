import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPrices, stateDirOf } from '../create-truebatch.ts';
import { fakeProjects } from '../engine/test-support/fake-project.ts';
import { openLedgerReadOnly } from '../ledger/index.ts';
import { compareVariants, runAudit } from '../quality/index.ts';
import { createDashboardApp } from './app.ts';

const fakeProject = fakeProjects();

describe('the Quality page', () => {
  it("shows a stage's latest audit and its variants side by side, from a project run on the fake provider", async () => {
    const project = await fakeProject({ docs: 4, stageYaml: 'variants: [{ name: flash }, { name: lite, model: gemini-2.5-flash-lite }]' });
    const outcome = await project.run();
    expect(outcome.stages.map((stage) => [stage.stage, stage.valid])).toEqual([['extract.flash', 4], ['extract.lite', 4]]);
    // The interactive model answers one document otherwise: the audit finds 3 of 4 agree.
    const keys = project.read((ledger) => ledger.audits.candidates('extract.flash').map((candidate) => candidate.key));
    project.service.answerWith((key) => ({ text: JSON.stringify({ key: key === keys[0] ? `${key}-other` : key }) }));
    const opened = await project.open();
    try {
      await runAudit(opened.context, { stage: project.config.stages[0]!, sample: 4, seed: 0 });
    } finally {
      await opened.close();
    }

    const ledger = openLedgerReadOnly(join(stateDirOf(project.config), 'ledger.db'), project.clock);
    try {
      const app = createDashboardApp({ config: project.config, ledger, prices: projectPrices(project.config), clock: project.clock }, { token: undefined, loopbackOnly: false });
      const response = await app.request('/quality');
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).not.toContain('No audit yet.');
      expect(page).not.toContain('No variant yet.');
      // The audit: its stage, the field with its rate and interval, the calls and the chart.
      expect(page).toContain('<h3 id="audit-extract.flash">extract.flash</h3>');
      expect(page).toContain('<td><code>/key</code></td><td>exact</td><td>75% (3/4, 95% CI 30–95%)</td>');
      expect(page).toMatch(/4 document\(s\) sampled,\s+4 compared, 0 invalid interactive answer\(s\)\. Calls: 4 made,\s+0 reused from an earlier audit, 0 failed/);
      expect(page).toContain('<svg');
      // The variants: both, valid 4 of 4, and their pair compared field by field.
      expect(page).toContain('<h3 id="variants-extract">extract</h3>');
      expect(page).toMatch(/<td>flash<\/td><td>gemini-2\.5-flash<\/td><td class="num">4<\/td><td>100% \(4\/4, 95% CI 51–100%\)<\/td>/);
      expect(page).toMatch(/<td>lite<\/td><td>gemini-2\.5-flash-lite<\/td><td class="num">4<\/td><td>100% \(4\/4, 95% CI 51–100%\)<\/td>/);
      expect(page).toContain('<h4>flash vs lite</h4>');
      expect(page).toContain('4 document(s) valid in both compared');
      // Each variant answers its own request key (the fake's default answer): the pair never agrees.
      expect(page).toContain('every field agrees in 0% (0/4, 95% CI 0–49%)');

      // The page compares at most MAX_COMPARED documents per pair; the bound, and what it leaves out, is counted.
      const [pair] = compareVariants(ledger, project.config.stages, 'extract', projectPrices(project.config), { maxDocuments: 3 }).pairs;
      expect(pair).toMatchObject({ documents: 3, validInBoth: 4 });
    } finally {
      ledger.close();
    }
  });
});
