/** @module HTML building blocks for the report page: escaping and tables. */

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A table cell: plain text (escaped), or HTML already built. */
export type HtmlCell = string | number | { html: string };

function cellHtml(cell: HtmlCell): string {
  return typeof cell === 'object' ? cell.html : escapeHtml(cell);
}

/**
 * A table with a caption; columns that `isNumeric` names are right-aligned (by default all but the first). A row
 * whose first cell is `{ html }` starting with `<strong>` is styled as a total.
 */
export function htmlTable(
  caption: string,
  header: readonly string[],
  rows: readonly (readonly HtmlCell[])[],
  isNumeric: (column: number) => boolean = (column) => column > 0,
): string {
  const className = (column: number): string => (isNumeric(column) ? ' class="num"' : '');
  const head = header.map((text, i) => `<th scope="col"${className(i)}>${escapeHtml(text)}</th>`).join('');
  const body = rows
    .map((row) => {
      const total = typeof row[0] === 'object' && row[0].html.startsWith('<strong>');
      const cells = row
        .map((cell, i) => (i === 0 ? `<th scope="row">${cellHtml(cell)}</th>` : `<td${className(i)}>${cellHtml(cell)}</td>`))
        .join('');
      return `<tr${total ? ' class="total"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table>\n<caption>${escapeHtml(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}
