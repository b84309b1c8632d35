// The demo page's style sheet (no external fonts or frameworks).

/** The style sheet. */
export const STYLE_CSS = `:root {
  --bg: #f4f6f8; --panel: #fff; --ink: #1d2733; --muted: #5f6b7a; --line: #dde3ea;
  --accent: #0b7285; --accent2: #e8590c; --ok: #2b8a3e; --bad: #c92a2a;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
header { padding: 20px 28px 8px; }
h1 { margin: 0; font-size: 26px; letter-spacing: -0.5px; }
h2 { margin: 0 0 10px; font-size: 16px; display: flex; align-items: center; gap: 8px; }
.muted { color: var(--muted); }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; padding: 12px 28px 24px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; min-width: 0; }
.pill { font-size: 12px; font-weight: 600; padding: 2px 9px; border-radius: 99px; background: #e7f5ff; color: var(--accent); }
.pill.ok { background: #ebfbee; color: var(--ok); }
.pill.bad { background: #fff5f5; color: var(--bad); }
#badges { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
#badges code { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; }
tbody tr.fresh { animation: fresh 1.2s ease-out; }
@keyframes fresh { from { background: #fff3bf; } to { background: transparent; } }
.svc { font-weight: 600; }
.svc-https { color: var(--ok); } .svc-http { color: var(--accent); } .svc-tcp { color: var(--accent2); } .svc-ws { color: #7048e8; }
#chart { width: 100%; height: 180px; background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; }
#chart .grid { stroke: var(--line); stroke-width: 1; }
#chart .requests { fill: none; stroke: var(--accent); stroke-width: 2; }
#chart .bytes { fill: none; stroke: var(--accent2); stroke-width: 2; stroke-dasharray: 4 3; }
#chart text { font-size: 11px; fill: var(--muted); }
.legend { font-size: 13px; color: var(--muted); }
.key { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
.key.requests { background: var(--accent); } .key.bytes { background: var(--accent2); }
form { display: flex; gap: 8px; margin: 8px 0; }
input, select, button { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; }
input { flex: 1; min-width: 0; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button:disabled { background: #adb5bd; border-color: #adb5bd; cursor: default; }
#chat-log { height: 150px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; font-size: 13px; background: #fbfcfd; }
#chat-log .me { color: var(--accent); } #chat-log .sys { color: var(--muted); font-style: italic; }
pre { background: #f1f3f5; border-radius: 6px; padding: 8px 10px; font-size: 12px; overflow-x: auto; margin: 6px 0; }
.exchange h3 { font-size: 13px; margin: 10px 0 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; font-size: 13px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
.hint { font-size: 12px; margin-top: 10px; }
footer { padding: 0 28px 20px; font-size: 13px; }
`;
