/**
 * @module Overview: the stage graph with documents per state per stage, spend (committed, actual, budget, and the
 * saving against the interactive price), and what is left with an ETA from the jobs' own pace.
 */
import { html } from 'hono/html';
import { ConfigError } from '../../shared/index.ts';
import { formatUsd } from '../../cost/index.ts';
import type { StageStateCount } from '../../ledger/index.ts';
import { countText, durationText, percentText } from '../../report/index.ts';
import type { DashboardContext } from '../context.ts';
import { liveRegion, page, stateText, type Html } from '../html.ts';

const STATES = ['valid', 'in_job', 'pending', 'given_up'] as const;

/** Spend in USD: batch actual and reserved, and what the actual batch spend would have cost interactively. */
interface Spend {
  committedUsd: number;
  actualUsd: number;
  /** Interactive minus batch for the actual spend; undefined when a model has no price. */
  savingUsd: number | undefined;
}

/**
 * Batch prices are the interactive ones times the model's batch factor, so the interactive cost of what batch
 * actually cost is `actual / factor`. (Context-cache hits are not discounted, so this slightly overstates a saving
 * made mostly of cache hits; `truebatch report` prices each attempt exactly.)
 */
function spendOf(context: DashboardContext): Spend {
  let actualUsd = 0;
  let savingUsd: number | undefined = 0;
  for (const model of context.ledger.dashboard.spendByModel()) {
    actualUsd += model.actualUsd;
    try {
      const factor = context.prices.priceFor(model.model).batchFactor;
      if (savingUsd !== undefined && factor > 0) savingUsd += model.actualUsd / factor - model.actualUsd;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      savingUsd = undefined;
    }
  }
  return { committedUsd: context.ledger.costs.committedUsd(), actualUsd, savingUsd };
}

function card(label: string, value: string, note = ''): Html {
  return html`<div class="card"><div class="label">${label}</div><div class="value">${value}</div>${note === '' ? '' : html`<div class="note">${note}</div>`}</div>`;
}

function stageCard(context: DashboardContext, name: string, counts: Map<string, number>, jobs: Map<string, number>): Html {
  const stage = context.config.stages.find((each) => each.name === name);
  const total = STATES.reduce((sum, state) => sum + (counts.get(state) ?? 0), 0);
  const feeds = context.config.stages.filter((each) => each.input.kind === 'stage' && each.input.stage === name).map((each) => each.name);
  const from = stage === undefined ? 'not in the config any more' : stage.input.kind === 'stage' ? `outputs of ${stage.input.stage}` : 'files';
  return html`<li class="stage" aria-label="stage ${name}">
  <h3>${name}</h3>
  <div class="muted">from ${from}${feeds.length > 0 ? html` · feeds ${feeds.join(', ')}` : ''}</div>
  <div class="bar" role="img" aria-label="${STATES.map((state) => `${state.replace('_', ' ')} ${counts.get(state) ?? 0}`).join(', ')}">${STATES.map(
    (state) => html`<span class="s-${state}" style="width:${total === 0 ? 0 : ((counts.get(state) ?? 0) / total) * 100}%"></span>`,
  )}</div>
  <table><tbody>${STATES.map(
    (state) => html`<tr><th scope="row">${stateText(state)}</th><td class="num" data-stage="${name}" data-state="${state}">${countText(counts.get(state) ?? 0)}</td><td class="num muted">${percentText(counts.get(state) ?? 0, total)}</td></tr>`,
  )}</tbody></table>
  <div class="muted">jobs: ${jobs.size === 0 ? 'none yet' : [...jobs].map(([state, n]) => `${n} ${state}`).join(', ')}</div>
</li>`;
}

function grouped(rows: readonly { stage: string; state: string; n: number }[]): Map<string, Map<string, number>> {
  const byStage = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const states = byStage.get(row.stage) ?? new Map<string, number>();
    states.set(row.state, row.n);
    byStage.set(row.stage, states);
  }
  return byStage;
}

function remaining(rows: readonly StageStateCount[]): number {
  return rows.filter((row) => row.state === 'pending' || row.state === 'in_job').reduce((sum, row) => sum + row.n, 0);
}

/** The live part of the overview. */
export function overviewFragment(context: DashboardContext): Html {
  const { dashboard } = context.ledger;
  const requestRows = dashboard.requestCounts();
  const requests = grouped(requestRows);
  const jobs = grouped(dashboard.jobCounts());
  const names = [...new Set([...context.config.stages.map((stage) => stage.name), ...requests.keys(), ...jobs.keys()])];
  const spend = spendOf(context);
  const budget = context.config.budget.maxUsd;
  const left = remaining(requestRows);
  const pace = dashboard.pace();
  const eta = left === 0 ? 'done' : pace.finished === 0 || pace.spanMs <= 0 ? 'no collected job yet' : durationText((left / pace.finished) * pace.spanMs);
  return html`<section aria-labelledby="graph-h"><h2 id="graph-h">Stages</h2>
  <ol class="graph">${names.map((name) => stageCard(context, name, requests.get(name) ?? new Map<string, number>(), jobs.get(name) ?? new Map<string, number>()))}</ol>
</section>
<section aria-labelledby="spend-h"><h2 id="spend-h">Spend and what is left</h2>
<div class="cards">
  ${card('Committed', formatUsd(spend.committedUsd), 'collected jobs at their cost, running ones at their reservation')}
  ${card('Actual', formatUsd(spend.actualUsd), 'collected jobs')}
  ${card('Budget', budget === undefined ? 'none' : formatUsd(budget), budget === undefined ? 'budget.maxUsd is not set' : `${percentText(spend.committedUsd, budget)} committed`)}
  ${card('Saving vs interactive', spend.savingUsd === undefined ? 'unknown' : formatUsd(spend.savingUsd), spend.savingUsd === undefined ? 'a model has no price' : 'of the actual spend')}
  ${card('Left', countText(left), 'requests pending or in a job')}
  ${card('ETA', eta, pace.finished === 0 ? '' : `at this project's pace: ${countText(pace.finished)} requests collected in ${durationText(pace.spanMs)}`)}
</div>
<p class="muted">Downstream stages grow as upstream outputs become valid, so what is left counts only the requests planned so far.</p>
</section>`;
}

/** The overview page. */
export function overviewPage(context: DashboardContext): Html {
  return page({ title: 'Overview', current: '/', project: context.config.projectDir, body: liveRegion('overview', '', overviewFragment(context)) });
}
