/** @module The dashboard's own stylesheet and script, served at /assets/dashboard.css and /assets/dashboard.js. */

/** Light and dark schemes, system fonts, tables that scroll sideways on a narrow screen. */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0969da; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --add: #dafbe1; --del: #ffebe9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d; --accent: #58a6ff;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --add: #12361f; --del: #3d1418; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 2; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: baseline; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 700; }
header.top .project { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--fg); }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; } h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.muted { color: var(--muted); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12.5px; }
.graph { display: flex; flex-wrap: wrap; gap: 10px; align-items: stretch; list-style: none; padding: 0; margin: 0; }
.graph li.stage { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 220px; flex: 1 1 220px; }
.graph li.arrow { align-self: center; color: var(--muted); font-size: 20px; }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--line); margin: 6px 0; }
.bar span { display: block; height: 100%; }
.s-valid { background: var(--ok); } .s-given_up { background: var(--bad); } .s-in_job { background: var(--accent); } .s-pending { background: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; max-height: 420px; }
.state { font-weight: 600; } .state.valid, .state.collected, .state.succeeded { color: var(--ok); }
.state.given_up, .state.failed, .state.invalid, .state.expired { color: var(--bad); }
.diff { padding: 0; } .diff div { padding: 0 10px; white-space: pre-wrap; }
.diff .add { background: var(--add); } .diff .del { background: var(--del); }
.diff .add::before { content: "+ "; } .diff .del::before { content: "- "; } .diff .same::before { content: "  "; }
button.link { background: none; border: 0; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer; font: inherit; }
figure.chart { margin: 0 0 16px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px; min-width: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.pager { display: flex; gap: 14px; margin: 8px 0; }
.live { font-size: 12px; color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; } svg.chart .whisker { stroke: var(--fg); stroke-width: 1.5; }
svg.chart .axis { fill: var(--muted); font-size: 12px; } svg.chart .axis-label { fill: var(--fg); font-size: 13px; font-weight: 600; }
svg.chart .value { fill: var(--fg); font-size: 11.5px; font-variant-numeric: tabular-nums; }
@media (max-width: 640px) { main { padding: 10px; } .card .value { font-size: 18px; } th, td { padding: 4px 5px; } }
`;

/**
 * Draws every `figure.chart` from the JSON in its `script[type="application/json"]` with uPlot (again after htmx
 * swaps one in), at the figure's width. The data table beside each chart is the accessible equivalent.
 */
export const DASHBOARD_JS = `
(function () {
  var palette = ['#1a7f37', '#0969da', '#9a6700', '#cf222e', '#8250df'];
  function draw(figure) {
    if (figure.dataset.drawn || typeof uPlot === 'undefined') return;
    var source = figure.querySelector('script[type="application/json"]');
    var target = figure.querySelector('.plot');
    if (!source || !target) return;
    var spec = JSON.parse(source.textContent);
    figure.dataset.drawn = '1';
    var width = Math.max(260, target.clientWidth || figure.clientWidth - 20);
    var series = [{ label: spec.xLabel }].concat(spec.series.map(function (label, i) {
      var s = { label: label, stroke: palette[i % palette.length], width: 2 };
      if (spec.points) { s.paths = function () { return null; }; s.points = { show: true, size: 7, fill: palette[i % palette.length] }; }
      return s;
    }));
    new uPlot({ width: width, height: 240, series: series, scales: { x: { time: !!spec.time } },
      axes: [{ label: spec.xLabel }, { label: spec.yLabel }] }, [spec.x].concat(spec.ys), target);
  }
  function drawAll(root) { (root || document).querySelectorAll('figure.chart').forEach(draw); }
  document.addEventListener('DOMContentLoaded', function () { drawAll(document); });
  document.addEventListener('htmx:afterSwap', function (event) { drawAll(event.target); });
})();
`;
