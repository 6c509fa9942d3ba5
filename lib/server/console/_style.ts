/**
 * The console's style sheet: system fonts, a readable measure on a laptop screen, visible focus,
 * and colours with at least 4.5:1 contrast against their background (statuses carry text, never
 * colour alone).
 *
 * @module
 */

/** The CSS served as `/assets/console.css`. */
export const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5560; --bg: #ffffff; --panel: #f5f7f9;
  --line: #d0d7de; --link: #0550ae; --focus: #bf3989; --ok: #116329; --bad: #a40e26;
  --run: #7d4e00; --diff: #fff1c2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible,
summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 2; }
header.top { display: flex; gap: 24px; align-items: center; padding: 8px 24px;
  border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
header.top .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.top nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { font-weight: 700; color: var(--fg); }
header.top .who { margin-left: auto; display: flex; gap: 12px; align-items: center; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; word-break: break-all; }
h2 { font-size: 1.15rem; margin: 28px 0 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; }
table.narrow { width: auto; min-width: min(640px, 100%); }
tbody tr:nth-child(even) { background: #fafbfc; }
.scroll { overflow-x: auto; max-width: 100%; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.9em; }
pre { background: var(--panel); padding: 12px; overflow-x: auto; border: 1px solid var(--line); }
.status { font-weight: 600; white-space: nowrap; }
.status-SUCCESS { color: var(--ok); } .status-FAIL, .status-CANCELED { color: var(--bad); }
.status-RUNNING, .status-PAUSED, .status-CANCELLING, .status-READY, .status-CREATED
  { color: var(--run); }
dl.record { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.record dt { color: var(--muted); } dl.record dd { margin: 0; word-break: break-all; }
.actions form { margin: 0; }
.actions form:has(button[hidden]) { display: none; }
details { margin: 8px 0; } summary { cursor: pointer; }
form.filters, form.range, .actions, .pager { display: flex; gap: 12px; align-items: end;
  flex-wrap: wrap; margin: 8px 0 12px; }
label { display: inline-flex; flex-direction: column; gap: 2px; font-size: 0.9rem; }
label.inline { flex-direction: row; align-items: center; gap: 6px; }
input, select, button { font: inherit; padding: 4px 8px; border: 1px solid #8c959f;
  border-radius: 4px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; background: var(--panel); }
button.danger { color: var(--bad); border-color: var(--bad); }
fieldset { border: 1px solid var(--line); padding: 8px 12px; }
fieldset.columns { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.notice { padding: 8px 12px; border: 1px solid var(--line); background: var(--panel); }
.error { border-color: var(--bad); color: var(--bad); }
.muted { color: var(--muted); }
.overview { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr);
  gap: 8px 32px; align-items: start; }
.overview > section > h2:first-child { margin-top: 0; }
@media (max-width: 900px) { .overview { grid-template-columns: 1fr; } }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 24px; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-box { position: relative; height: 320px; }
tr.differs { background: var(--diff) !important; }
tr.differs th::after { content: " ≠"; color: var(--bad); }
table.heatmap td { text-align: center; min-width: 2.5em; }
canvas.pixels { width: 42px; height: 42px; image-rendering: pixelated; background: #000;
  vertical-align: middle; }
progress { width: 320px; height: 16px; vertical-align: middle; }
.signin { max-width: 420px; margin: 64px auto; }
.signin form { display: flex; flex-direction: column; gap: 12px; }
`;
