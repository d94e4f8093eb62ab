/**
 * @module Planning a stage: read its corpus, render one request per document, and record documents, requests
 * and corpus problems in the ledger. Re-planning an unchanged project changes nothing.
 */
import type { StageConfig } from '../config/index.ts';
import { checkExpectedCount, scanCorpus } from '../corpus/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { buildRequest, type RequestSpec } from '../requests/index.ts';
import { errorMessage } from '../shared/index.ts';

/** What planning found and decided for one stage. */
export interface StagePlan {
  stage: string;
  documents: number;
  excluded: { path: string; reason: string }[];
  invalid: { path: string; reason: string }[];
  requests: { new: number; changed: number; unchanged: number; busy: number };
}

/** The request recipe of a stage. */
export function requestSpecOf(stage: StageConfig): RequestSpec {
  return {
    stageName: stage.name,
    model: stage.model,
    keyTemplate: stage.keyTemplate,
    promptTemplate: stage.prompt.template,
    ...(stage.prompt.system === undefined ? {} : { systemInstruction: stage.prompt.system }),
    generationConfig: { ...stage.generationConfig },
  };
}

/** Scans the stage's corpus and records its requests. Throws ConfigError on an expected-count mismatch. */
export async function planStage(stage: StageConfig, ledger: Ledger): Promise<StagePlan> {
  const plan: StagePlan = {
    stage: stage.name,
    documents: 0,
    excluded: [],
    invalid: [],
    requests: { new: 0, changed: 0, unchanged: 0, busy: 0 },
  };
  const spec = requestSpecOf(stage);
  const rendered: { docId: string; key: string; fingerprint: string; requestJson: string; doc: { id: string; path: string; contentHash: string; sizeBytes: number } }[] = [];
  for await (const entry of scanCorpus(stage.input)) {
    if (entry.kind === 'excluded') plan.excluded.push({ path: entry.path, reason: entry.reason });
    else if (entry.kind === 'invalid') plan.invalid.push({ path: entry.path, reason: entry.reason });
    else {
      const { document } = entry;
      try {
        const built = buildRequest(spec, document);
        rendered.push({
          docId: document.id,
          key: built.key,
          fingerprint: built.fingerprint,
          requestJson: JSON.stringify(built.request),
          doc: document,
        });
        plan.documents++;
        // Flush in slices so memory stays bounded on a large corpus.
        if (rendered.length >= 500) recordRequests(stage, ledger, rendered.splice(0), plan);
      } catch (error) {
        plan.invalid.push({ path: document.path, reason: errorMessage(error) });
      }
    }
  }
  checkExpectedCount(stage.input.expectedCount, plan.documents + plan.invalid.length, stage.input.dir);
  recordRequests(stage, ledger, rendered, plan);
  ledger.replaceCorpusIssues(stage.name, [
    ...plan.excluded.map((issue) => ({ ...issue, kind: 'excluded' as const })),
    ...plan.invalid.map((issue) => ({ ...issue, kind: 'invalid' as const })),
  ]);
  return plan;
}

function recordRequests(
  stage: StageConfig,
  ledger: Ledger,
  rendered: { docId: string; key: string; fingerprint: string; requestJson: string; doc: { id: string; path: string; contentHash: string; sizeBytes: number } }[],
  plan: StagePlan,
): void {
  ledger.transaction(() => {
    for (const item of rendered) {
      ledger.upsertDocument(stage.name, item.doc);
      const outcome = ledger.upsertRequest({
        stage: stage.name,
        docId: item.docId,
        key: item.key,
        fingerprint: item.fingerprint,
        model: stage.model,
        requestJson: item.requestJson,
        maxAttempts: stage.maxAttempts,
      });
      plan.requests[outcome]++;
    }
  });
}
