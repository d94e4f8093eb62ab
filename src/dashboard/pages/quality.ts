/**
 * @module Quality: audit and variant results, when the ledger has them.
 *
 * Seam for #19: audits and variants add their own tables (named `audit…` and `variant…`); until their query groups
 * exist this page shows those tables generically (row count and latest rows) through `ledger.dashboard.foreignTables`,
 * and "no audit yet" while there are none. Once `ledger.audits` / `ledger.variants` exist, replace `qualitySection`
 * with their summaries; the page, its route and its navigation entry stay.
 */
import { html } from 'hono/html';
import type { ForeignTable } from '../../ledger/index.ts';
import { countText } from '../../report/index.ts';
import type { DashboardContext } from '../context.ts';
import { page, type Html } from '../html.ts';

/** Latest rows shown per table. */
const LATEST = 20;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function qualitySection(table: ForeignTable): Html {
  return html`<section aria-labelledby="t-${table.name}"><h3 id="t-${table.name}">${table.name}</h3>
  <p class="muted">${countText(table.rows)} rows; the latest ${Math.min(LATEST, table.rows)}:</p>
  <div class="scroll"><table><thead><tr>${table.columns.map((column) => html`<th>${column}</th>`)}</tr></thead>
  <tbody>${table.latest.map((row) => html`<tr>${table.columns.map((column) => html`<td>${cell(row[column])}</td>`)}</tr>`)}</tbody></table></div>
</section>`;
}

/** The Quality page. */
export function qualityPage(context: DashboardContext): Html {
  const tables = context.ledger.dashboard.foreignTables(['audit', 'variant'], LATEST);
  const audits = tables.filter((table) => table.name.startsWith('audit'));
  const variants = tables.filter((table) => table.name.startsWith('variant'));
  const body = html`<h2>Audits</h2>${audits.length === 0 ? html`<p class="empty">No audit yet.</p>` : audits.map(qualitySection)}
  <h2>Variants</h2>${variants.length === 0 ? html`<p class="empty">No variant yet.</p>` : variants.map(qualitySection)}`;
  return page({ title: 'Quality', current: '/quality', project: context.config.projectDir, body });
}
