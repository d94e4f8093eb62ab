import { describe, expect, it } from 'vitest';
import { STAGE_TOOLS } from '../config/stage-schema.ts';
import { fakeRequestCodec } from '../providers/fake/fake-request.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { ConfigError } from '../shared/index.ts';
import { previewRun } from './plan-run.ts';
import { requestSpecOf } from './plan-stage.ts';
import { bindCachedContext, refuseUnsupportedStage } from './stage-context.ts';
import { fakeProjects } from './test-support/fake-project.ts';
import { buildRequest } from '../requests/index.ts';

const fakeProject = fakeProjects();
/** The config's name for web search (the engine's own files name no provider's tools). */
const WEB_SEARCH = STAGE_TOOLS[0];

/** Context text of at least `tokens` tokens by the provider's estimate, in steps of 100 words. */
function contextOf(tokens: number): string {
  const codec = requestCodecFor('gemini');
  let text = '';
  while (codec.estimateTokens({ content: [{ kind: 'text', text }], generation: {} }).input < tokens) {
    text += 'the soil potassium was extracted with ammonium acetate at pH seven '.repeat(10);
  }
  return text.trim();
}

async function previewOf(options: { docs: number; stageYaml: string }) {
  const project = await fakeProject({ docs: options.docs, stageYaml: options.stageYaml });
  const open = await project.open();
  try {
    const { config, ledger, prices } = open.context;
    return { project, preview: await previewRun({ config, ledger, prices }, config.stages) };
  } finally {
    await open.close();
  }
}

describe('a stage context in plan', () => {
  it('chooses an explicit cache for a large shared context over many requests, and says why', async () => {
    const { preview } = await previewOf({ docs: 200, stageYaml: `context: { text: "${contextOf(5000)}", expectedHours: 1 }` });
    const context = preview.stages[0]!.context!;
    expect(context.sharedTokens).toBeGreaterThanOrEqual(5000);
    expect(context.requests).toBe(200);
    expect(context.decision.explicit).toBe(true);
    expect(context.decision.reason).toMatch(/^explicit cache pays off: \d+ shared tokens × 200 requests save \$[\d.]+; storage for 1 h costs \$[\d.]+$/);
    expect(context.decision.savingUsd).toBeGreaterThan(context.decision.storageUsd);
  });

  it('does not choose one for a shared prefix under the model minimum, and says why', async () => {
    const { preview } = await previewOf({ docs: 20, stageYaml: `context: { text: "${contextOf(300)}", cache: always }` });
    const context = preview.stages[0]!.context!;
    expect(context.decision.explicit).toBe(false);
    expect(context.decision.reason).toContain("under the model's minimum of 1024 cacheable tokens (context.cache always cannot apply)");
  });

  it('prices the web search fee for every request to submit', async () => {
    const { preview } = await previewOf({ docs: 10, stageYaml: `tools: [${WEB_SEARCH}]\nmodel: gemini-3-flash-preview` });
    expect(preview.stages[0]!.searchFee).toEqual({ requests: 10, usd: (10 * 14) / 1000 });
  });

  it('refuses tools with a response schema on a 2.5 model, with the reason', async () => {
    const project = await fakeProject({ docs: 2, stageYaml: `tools: [${WEB_SEARCH}]` });
    const stage = project.config.stages[0]!;
    expect(() => refuseUnsupportedStage(requestCodecFor('gemini'), stage)).toThrow(ConfigError);
    expect(() => refuseUnsupportedStage(requestCodecFor('gemini'), stage)).toThrow(
      /^stage extract: gemini-2\.5-flash cannot combine built-in tools \(\w+\) with a response schema; only Gemini 3 models can/,
    );
  });
});

describe('a stage context in requests', () => {
  it('comes first in every request; bound to a cache, the request names it instead of repeating the context', async () => {
    const project = await fakeProject({ docs: 1, stageYaml: 'context: { text: "Codebook: K is potassium." }' });
    const stage = project.config.stages[0]!;
    const { request } = buildRequest(requestSpecOf(stage), { id: 'doc1', text: '{"a":1}', fields: { a: 1 } });
    expect(request.content[0]).toEqual({ kind: 'text', text: 'Codebook: K is potassium.' });
    const stored = fakeRequestCodec.encode(request);
    const bound = bindCachedContext(fakeRequestCodec, stored, 'cachedContents/abc', 1);
    const boundRequest = fakeRequestCodec.decode(bound);
    expect(boundRequest.cachedContext).toEqual({ name: 'cachedContents/abc' });
    expect(boundRequest.content).toEqual(request.content.slice(1));
    expect(boundRequest.system).toBeUndefined();
  });
});
