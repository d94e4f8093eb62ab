/**
 * @module Quality (#19, #20): each stage's latest audit (agreement of batch and interactive answers per field, with
 * 95% intervals, as `truebatch report` shows it) and each stage's variants side by side (as `truebatch compare` shows
 * them, their answers compared on at most `MAX_COMPARED` documents per pair so the page stays fast on a large corpus).
 */
import { html, raw } from 'hono/html';
import type { StageConfig } from '../../config/index.ts';
import { formatUsd } from '../../cost/index.ts';
import { REPAIR_LABELS } from '../../ledger/index.ts';
import { compareVariants, rateText, summariseAudit, type AgreementRate, type AuditSummary, type FieldSummary, type VariantComparison, type VariantPairAgreement } from '../../quality/index.ts';
import { agreementChart, countText } from '../../report/index.ts';
import type { DashboardContext } from '../context.ts';
import { page, type Html } from '../html.ts';

/** Documents compared per pair of variants: each costs two output-file reads. */
export const MAX_COMPARED = 1000;

function fieldLabel(path: string): string {
  return path === '' ? '(answer)' : path;
}

/** Field, kind and agreement rows, then the whole document's. */
function agreementTable(fields: readonly FieldSummary[], overall: AgreementRate): Html {
  return html`<div class="scroll"><table><thead><tr><th>field</th><th>kind</th><th>agrees (95% interval)</th></tr></thead><tbody>
  ${fields.map((field) => html`<tr><td><code>${fieldLabel(field.path)}</code></td><td>${field.kind}</td><td>${rateText(field)}</td></tr>`)}
  <tr><th scope="row">whole document</th><td></td><td>${rateText(overall)}</td></tr></tbody></table></div>`;
}

function auditSection(audit: AuditSummary): Html {
  const made = audit.calls - audit.reused;
  return html`<section aria-labelledby="audit-${audit.stage}"><h3 id="audit-${audit.stage}">${audit.stage}</h3>
  <p>Latest audit, ${new Date(audit.createdAt).toISOString()} (seed ${audit.seed}): ${countText(audit.calls)} document(s) sampled,
  ${countText(audit.compared)} compared, ${countText(audit.invalid)} invalid interactive answer(s). Calls: ${countText(made)} made,
  ${countText(audit.reused)} reused from an earlier audit, ${countText(audit.failed)} failed; ${formatUsd(audit.costUsd)} paid at standard prices.</p>
  <p>Batch and interactive answers agree on every field in ${rateText(audit.overall)} of the documents.</p>
  <figure class="chart"><figcaption>Agreement per field, with 95% intervals</figcaption>${raw(agreementChart(audit))}
  <details><summary>Data as a table</summary>${agreementTable(audit.fields, audit.overall)}</details></figure>
</section>`;
}

function pairSection(pair: VariantPairAgreement): Html {
  const sampled = pair.validInBoth > MAX_COMPARED
    ? html` The first ${countText(MAX_COMPARED)} of ${countText(pair.validInBoth)} documents valid in both were compared (a bounded sample; <code>truebatch compare</code> compares all).`
    : '';
  return html`<h4>${pair.a} vs ${pair.b}</h4>
  <p>${countText(pair.documents)} document(s) valid in both compared; every field agrees in ${rateText(pair.agreement.overall)}.${sampled}</p>
  ${pair.documents > 0 ? agreementTable(pair.agreement.fields, pair.agreement.overall) : ''}
  ${pair.unreadable.length > 0 ? html`<p class="muted">Not compared (unreadable): ${pair.unreadable.map((file) => `${file.path}: ${file.reason}`).join('; ')}</p>` : ''}`;
}

function variantSection(comparison: VariantComparison): Html {
  return html`<section aria-labelledby="variants-${comparison.stage}"><h3 id="variants-${comparison.stage}">${comparison.stage}</h3>
  <div class="scroll"><table><thead><tr><th>variant</th><th>model</th><th class="num">documents</th><th>valid (95% interval)</th><th>repaired answers</th>
  <th class="num">retries</th><th class="num">tokens in/out</th><th class="num">batch cost</th><th class="num">per document</th></tr></thead><tbody>
  ${comparison.variants.map((v) => html`<tr><td>${v.variant}</td><td>${v.model}</td><td class="num">${countText(v.documents)}</td><td>${rateText(v.valid)}</td>
  <td>${v.repairs.length === 0 ? 'none' : v.repairs.map((repair) => `${repair.attempts} ${REPAIR_LABELS[repair.kind]}`).join(', ')}</td>
  <td class="num">${countText(v.retries)}</td><td class="num">${countText(v.tokens.prompt)}/${countText(v.tokens.output + v.tokens.thoughts)}</td>
  <td class="num">${v.cost.kind === 'unknown' ? 'unknown' : formatUsd(v.cost.batchUsd)}</td>
  <td class="num">${v.costPerDocumentUsd === undefined ? '-' : formatUsd(v.costPerDocumentUsd)}</td></tr>`)}
  </tbody></table></div>
  ${comparison.pairs.map(pairSection)}
</section>`;
}

/** Config stages that declare variants, in config order. */
function stagesWithVariants(stages: readonly StageConfig[]): string[] {
  return [...new Set(stages.flatMap((stage) => (stage.variant === undefined ? [] : [stage.variant.stage])))];
}

/** The Quality page. */
export function qualityPage(context: DashboardContext): Html {
  const { config, ledger, prices } = context;
  const audits = config.stages.flatMap((stage) => {
    const audit = ledger.audits.latest(stage.name);
    return audit === undefined ? [] : [summariseAudit(audit)];
  });
  const comparisons = stagesWithVariants(config.stages).map((stage) => compareVariants(ledger, config.stages, stage, prices, { maxDocuments: MAX_COMPARED }));
  const body = html`<h2>Audits</h2>${audits.length === 0 ? html`<p class="empty">No audit yet.</p>` : audits.map(auditSection)}
  <h2>Variants</h2>${comparisons.length === 0 ? html`<p class="empty">No variant yet.</p>` : comparisons.map(variantSection)}`;
  return page({ title: 'Quality', current: '/quality', project: config.projectDir, body });
}
