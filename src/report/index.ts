/** @module The cost and outcome report of a project, read from its ledger, as data, Markdown or one HTML page. */
export { buildReport, type ReportOptions } from './build-report.ts';
export { renderMarkdown } from './render-markdown.ts';
export { renderHtml } from './render-html.ts';
export { normaliseProblem } from './problems.ts';
export type * from './report-types.ts';
export { TOP_PROBLEMS, TOP_GIVEN_UP } from './report-types.ts';
export { countText, durationText, percentText } from './format-values.ts';
export { agreementChart } from './html-charts.ts';
