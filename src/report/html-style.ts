/** @module The report page's stylesheet, inlined so the page is one self-contained file. System fonts only. */

/** CSS for the report page and its inline SVG charts (light and dark schemes, print). */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0072b2; --warn: #9a3b00; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d; --accent: #58a6ff; --warn: #f0883e; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; letter-spacing: -0.01em; }
header p { margin: 2px 0; color: var(--muted); font-size: 13px; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
h2 { margin: 36px 0 12px; font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { margin: 20px 0 8px; font-size: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 24px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 24px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12.5px; }
.card.saving .value { color: var(--accent); }
.unknown-cost { color: var(--warn); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 20px; }
figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px;
  min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .baseline { stroke: var(--muted); stroke-width: 1.2; }
svg.chart .whisker { stroke: #1f1f1f; stroke-width: 1.5; }
svg.chart .axis { fill: var(--muted); font-size: 12px; }
svg.chart .axis-label { fill: var(--fg); font-size: 13px; font-weight: 600; }
svg.chart .legend { fill: var(--fg); font-size: 12.5px; }
svg.chart .value { fill: var(--fg); font-size: 11.5px; font-variant-numeric: tabular-nums; }
svg.chart .unknown { fill: var(--warn); font-size: 12.5px; font-style: italic; }
svg.chart .segment { font-size: 12px; font-weight: 600; }
svg.chart .segment.light { fill: #ffffff; }
svg.chart .segment.dark { fill: #1b1f24; }
svg.chart .empty { fill: none; stroke: var(--line); stroke-dasharray: 4 3; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 4px 0 8px; }
caption { text-align: left; color: var(--muted); font-size: 12.5px; padding-bottom: 4px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid var(--line); }
ul.notes { color: var(--warn); font-size: 13px; padding-left: 20px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { figure, .card { break-inside: avoid; } main { padding: 0; } }
`;
