/**
 * @module The report's charts as inline SVG, drawn by hand: cost per stage (batch next to the interactive
 * equivalent), each stage's documents by outcome, and an audit's agreement per field with its interval. Every chart has a title and description for screen readers,
 * every mark a tooltip, and the colours are the Okabe–Ito colour-blind-safe palette darkened for white text.
 */
import { formatUsd } from '../cost/index.ts';
import { costProblem, countText, percentText } from './format-values.ts';
import { escapeHtml } from './html-text.ts';
import type { AuditSummary } from '../quality/index.ts';
import type { StageReport } from './report-types.ts';

/** Chart colours, also used by the page's legend swatches. */
export const CHART_COLOURS = {
  batch: '#0072b2',
  interactive: '#9bb7cc',
  valid: '#00795a',
  givenUp: '#b34d00',
  inFlight: '#5b4aa5',
  pending: '#c4c4c4',
} as const;

function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${id}-title ${id}-desc" class="chart">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>`
  );
}

/** A round axis maximum at or above `value` with a step of 1, 2 or 5 times a power of ten, about `ticks` steps. */
function niceScale(value: number, ticks = 4): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: 0.25 };
  const rough = value / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  return { max: Math.ceil(value / step - 1e-9) * step, step };
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function legend(items: readonly (readonly [string, string])[], x: number, y: number): string {
  let offset = x;
  return items
    .map(([label, colour]) => {
      const item = `<rect x="${offset}" y="${y - 10}" width="12" height="12" rx="2" fill="${colour}"/>` +
        `<text x="${offset + 17}" y="${y}" class="legend">${escapeHtml(label)}</text>`;
      offset += 30 + label.length * 7;
      return item;
    })
    .join('');
}

/** Grouped bars of each stage's actual cost: at batch prices, and the same tokens at interactive prices. */
export function costChart(stages: readonly StageReport[]): string {
  const left = 70;
  const top = 40;
  const bottom = 44;
  const width = Math.max(480, left + stages.length * 150 + 20);
  // Groups share the plot's width, so a report of one or two stages does not leave it half empty.
  const groupWidth = (width - left - 20) / Math.max(1, stages.length);
  const height = 280;
  const plotHeight = height - top - bottom;
  const values = stages.flatMap((stage) => (stage.actual.kind === 'priced' ? [stage.actual.standardUsd] : []));
  const { max, step } = niceScale(Math.max(0, ...values));
  const y = (usd: number): number => top + plotHeight - (usd / max) * plotHeight;
  const parts = [
    svgOpen('cost-chart', width, height, 'Actual cost per stage',
      `Bar chart: for each stage, the cost at batch prices next to the same tokens at interactive prices. ` +
        stages.map((s) => (s.actual.kind === 'priced'
          ? `${s.stage}: batch ${formatUsd(s.actual.batchUsd)}, interactive ${formatUsd(s.actual.standardUsd)}.`
          : `${s.stage}: cost unknown.`)).join(' ')),
    legend([['Batch (billed)', CHART_COLOURS.batch], ['Interactive equivalent', CHART_COLOURS.interactive]], left, 18),
  ];
  for (let tick = 0; tick <= max + step / 2; tick += step) {
    parts.push(`<line x1="${left}" x2="${width - 12}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/>` +
      `<text x="${left - 8}" y="${y(tick) + 4}" class="axis" text-anchor="end">${escapeHtml(formatUsd(tick))}</text>`);
  }
  stages.forEach((stage, index) => {
    const centre = left + index * groupWidth + groupWidth / 2;
    parts.push(`<text x="${centre}" y="${height - bottom + 20}" class="axis-label" text-anchor="middle">` +
      `<title>${escapeHtml(stage.stage)}</title>${escapeHtml(shorten(stage.stage, 18))}</text>`);
    const cost = stage.actual;
    if (cost.kind !== 'priced') {
      parts.push(`<text x="${centre}" y="${top + plotHeight - 12}" class="unknown" text-anchor="middle">` +
        `<title>${escapeHtml(costProblem(cost) ?? '')}</title>price unknown</text>`);
      return;
    }
    const bars: [string, number, string][] = [
      ['batch', cost.batchUsd, CHART_COLOURS.batch],
      ['interactive equivalent', cost.standardUsd, CHART_COLOURS.interactive],
    ];
    bars.forEach(([label, usd, colour], barIndex) => {
      const barWidth = 52;
      const x = centre - barWidth - 4 + barIndex * (barWidth + 8);
      const barTop = y(usd);
      parts.push(`<rect x="${x}" y="${barTop}" width="${barWidth}" height="${top + plotHeight - barTop}" fill="${colour}" rx="2">` +
        `<title>${escapeHtml(`${stage.stage}, ${label}: ${formatUsd(usd)}`)}</title></rect>` +
        `<text x="${x + barWidth / 2}" y="${barTop - 5}" class="value" text-anchor="middle">${escapeHtml(formatUsd(usd))}</text>`);
    });
  });
  parts.push(`<line x1="${left}" x2="${width - 12}" y1="${top + plotHeight}" y2="${top + plotHeight}" class="baseline"/></svg>`);
  return parts.join('\n');
}

/** One 100% bar per stage, split by request outcome. */
export function outcomeChart(stages: readonly StageReport[]): string {
  const left = 16;
  const right = 76;
  const top = 36;
  const rowHeight = 60;
  const width = 480;
  const barWidth = width - left - right;
  const height = top + Math.max(1, stages.length) * rowHeight + 8;
  const kinds = [
    ['Valid', 'valid', CHART_COLOURS.valid, 'light'],
    ['Given up', 'givenUp', CHART_COLOURS.givenUp, 'light'],
    ['In flight', 'inFlight', CHART_COLOURS.inFlight, 'light'],
    ['Pending', 'pending', CHART_COLOURS.pending, 'dark'],
  ] as const;
  const parts = [
    svgOpen('outcome-chart', width, height, 'Documents by outcome, per stage',
      'Stacked bar chart: for each stage, the share of its documents that are valid, given up, in flight and pending. ' +
        stages.map((s) => `${s.stage}: ${s.requests.valid} valid, ${s.requests.givenUp} given up, ` +
          `${s.requests.inFlight} in flight, ${s.requests.pending} pending of ${s.requests.total}.`).join(' ')),
    legend(kinds.map(([label, , colour]) => [label, colour] as const), left, 16),
  ];
  stages.forEach((stage, index) => {
    // The stage's name sits above its bar, so long names keep the whole width.
    const labelTop = top + index * rowHeight;
    const rowTop = labelTop + 20;
    const total = stage.requests.total;
    parts.push(`<text x="${left}" y="${labelTop + 13}" class="axis-label">` +
      `<title>${escapeHtml(stage.stage)}</title>${escapeHtml(shorten(stage.stage, 48))}</text>` +
      `<text x="${width - right + 10}" y="${rowTop + 19}" class="axis">${escapeHtml(countText(total))} ${total === 1 ? 'doc' : 'docs'}</text>`);
    if (total === 0) {
      parts.push(`<rect x="${left}" y="${rowTop + 2}" width="${barWidth}" height="26" class="empty" rx="3"/>` +
        `<text x="${left + barWidth / 2}" y="${rowTop + 19}" class="unknown" text-anchor="middle">no documents yet</text>`);
      return;
    }
    let x = left;
    for (const [label, field, colour, tone] of kinds) {
      const count = stage.requests[field];
      if (count === 0) continue;
      const segment = (count / total) * barWidth;
      parts.push(`<rect x="${x}" y="${rowTop + 2}" width="${segment}" height="26" fill="${colour}">` +
        `<title>${escapeHtml(`${stage.stage}: ${count} ${label.toLowerCase()} (${percentText(count, total)})`)}</title></rect>`);
      const text = countText(count);
      if (segment >= text.length * 8 + 8) {
        parts.push(`<text x="${x + segment / 2}" y="${rowTop + 20}" class="segment ${tone}" text-anchor="middle">${escapeHtml(text)}</text>`);
      }
      x += segment;
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** One bar per field of an audit (#19): the share of documents whose batch and interactive answers agree, with its 95% interval as a whisker. */
export function agreementChart(audit: AuditSummary): string {
  const left = 170;
  const right = 70;
  const top = 34;
  const rowHeight = 30;
  const width = 560;
  const plotWidth = width - left - right;
  const rows = [...audit.fields.map((field) => ({ label: field.path === '' ? '(answer)' : field.path, rate: field })), { label: 'whole document', rate: audit.overall }];
  const height = top + rows.length * rowHeight + 24;
  const x = (share: number): number => left + share * plotWidth;
  const id = `audit-chart-${audit.stage.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const parts = [
    svgOpen(id, width, height, `Agreement of batch and interactive answers, ${audit.stage}`,
      'Bar chart: for each field, the share of sampled documents whose batch and interactive answers agree, with its 95% interval. ' +
        rows.map((row) => `${row.label}: ${percentText(row.rate.agree, row.rate.n)} of ${row.rate.n} (${(row.rate.interval.low * 100).toFixed(1)}% to ${(row.rate.interval.high * 100).toFixed(1)}%).`).join(' ')),
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${top - 6}" y2="${height - 20}" class="grid"/>` +
      `<text x="${x(tick)}" y="${height - 6}" class="axis" text-anchor="middle">${tick * 100}%</text>`);
  }
  rows.forEach((row, index) => {
    const rowTop = top + index * rowHeight;
    const { rate, interval, agree, n } = row.rate;
    const tip = `${row.label}: ${agree} of ${n} agree (${(rate * 100).toFixed(1)}%; 95% interval ${(interval.low * 100).toFixed(1)}%–${(interval.high * 100).toFixed(1)}%)`;
    parts.push(`<text x="${left - 8}" y="${rowTop + 16}" class="axis-label" text-anchor="end"><title>${escapeHtml(row.label)}</title>${escapeHtml(shorten(row.label, 24))}</text>` +
      `<rect x="${left}" y="${rowTop + 4}" width="${x(rate) - left}" height="16" fill="${CHART_COLOURS.valid}" rx="2"><title>${escapeHtml(tip)}</title></rect>` +
      `<line x1="${x(interval.low)}" x2="${x(interval.high)}" y1="${rowTop + 12}" y2="${rowTop + 12}" class="whisker"/>` +
      `<line x1="${x(interval.low)}" x2="${x(interval.low)}" y1="${rowTop + 6}" y2="${rowTop + 18}" class="whisker"/>` +
      `<line x1="${x(interval.high)}" x2="${x(interval.high)}" y1="${rowTop + 6}" y2="${rowTop + 18}" class="whisker"/>` +
      `<text x="${width - right + 8}" y="${rowTop + 16}" class="value">${escapeHtml(`${(rate * 100).toFixed(1)}%`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
