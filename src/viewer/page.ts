// One file, over 8 KB: the page's markup, style and icon are text the server sends as is.

/** The viewer's one HTML page: no data in it; app/main.js builds everything with DOM calls. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>cluster-tool viewer</title>
<link rel="stylesheet" href="/viewer/style.css">
<link rel="icon" href="/viewer/icon.svg" type="image/svg+xml">
<script type="module" src="/viewer/app/main.js"></script>
</head>
<body>
<div id="app"><p class="muted pad">Loading the viewer…</p></div>
</body>
</html>
`;

/** Dark, compact, sized for a 1280×800 DCV window. */
export const STYLE_CSS = `
:root { color-scheme: dark; --bg:#14171c; --panel:#1c2027; --line:#2c323c; --fg:#e3e6eb; --muted:#8c95a3;
  --accent:#4ea1ff; --ok:#3fb970; --warn:#e3b341; --bad:#f0565b; --leased:#4ea1ff; --queued:#555d6a; --cancelled:#a08a4a; }
* { box-sizing: border-box; }
html, body { margin:0; height:100%; background:var(--bg); color:var(--fg); font:13px/1.4 system-ui, sans-serif; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
button, a.button { background:#2a3039; color:var(--fg); border:1px solid #3a414c; border-radius:4px; padding:3px 9px; font:inherit; cursor:pointer; white-space:nowrap; }
a.button:not([href]) { opacity:.45; pointer-events:none; }
button:hover:not(:disabled) { background:#343b46; } button:disabled, input:disabled { opacity:.45; cursor:default; }
button.primary { background:#1f5fa8; border-color:#2a6fbd; } button.danger { border-color:#7a3035; color:#ffb3b5; }
button.danger.armed { background:#7a3035; color:#fff; } button.on { border-color:var(--accent); color:#cfe4ff; }
input, select { background:#0f1216; color:var(--fg); border:1px solid #3a414c; border-radius:4px; padding:3px 6px; font:inherit; max-width:100%; }
input[type=number] { width:52px; }
.pad { padding:16px; } .muted { color:var(--muted); } .mono { font-family: ui-monospace, monospace; font-size:12px; }
header.top { display:flex; align-items:center; gap:18px; height:44px; padding:0 16px; background:var(--panel); border-bottom:1px solid var(--line); }
header.top .brand { font-weight:600; letter-spacing:.3px; }
header.top nav a { margin-right:14px; color:var(--muted); } header.top nav a.active { color:var(--fg); font-weight:600; }
header.top .spacer { flex:1; }
.live { font-size:12px; color:var(--muted); } .live.on::before { content:'● '; color:var(--ok); } .live.off::before { content:'● '; color:var(--bad); }
main { padding:14px 16px; height:calc(100% - 44px); overflow:auto; }
h1 { font-size:18px; margin:0 0 6px; word-break:break-all; } h2 { font-size:14px; margin:0 0 8px; color:#cfd5de; }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; margin-bottom:12px; min-width:0; }
.panel-head { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; justify-content:space-between; margin-bottom:8px; } .panel-head h2 { margin:0; }
.table-scroll { overflow-x:auto; max-width:100%; }
table { width:100%; border-collapse:collapse; } th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:middle; }
th { color:var(--muted); font-weight:500; font-size:12px; white-space:nowrap; } td.name { max-width:260px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
th.sortable { cursor:pointer; } th.sortable:hover { color:var(--fg); } th.asc::after { content:' ▲'; } th.desc::after { content:' ▼'; }
.state { display:inline-block; padding:1px 7px; border-radius:9px; font-size:11px; background:#333a45; }
.state.running { background:#173a5e; color:#9ccbff; } .state.succeeded { background:#17402a; color:#8fe0ae; }
.state.failed { background:#4a1d20; color:#ffaaad; } .state.cancelled { background:#3b3320; color:#e8cf86; }
.state.waiting { background:#2f2a4a; color:#c7b8ff; } .state.suspended { background:#3a3a3a; color:#e0e0e0; } .waiting-reason { color:#c7b8ff; font-size:12px; }
.st.leased { color:#9ccbff; } .st.done { color:#8fe0ae; } .st.failed { color:#ffaaad; } .st.cancelled { color:#e8cf86; } .st.queued { color:var(--muted); }
.bar { position:relative; height:8px; width:160px; max-width:100%; background:#2a3039; border-radius:4px; overflow:hidden; display:inline-block; vertical-align:middle; }
.bar > span { position:absolute; top:0; bottom:0; left:0; } .bar .done { background:var(--ok); } .bar .failed { background:var(--bad); } .bar .leased { background:var(--leased); } .bar .cancelled { background:var(--cancelled); }
.actions { display:flex; flex-wrap:wrap; gap:6px; align-items:center; }
.actions .group { display:flex; flex-wrap:wrap; gap:4px; align-items:center; padding-left:8px; border-left:1px solid var(--line); }
.notice { font-size:12px; margin-top:4px; min-height:16px; } .notice.error { color:var(--bad); } .notice.ok { color:var(--ok); }
.job-head { display:flex; flex-wrap:wrap; gap:8px 18px; align-items:flex-start; justify-content:space-between; }
.job-title { min-width:0; flex:1 1 240px; } .job-actions { flex:0 1 auto; max-width:100%; }
.stats { display:flex; gap:8px 18px; flex-wrap:wrap; margin:6px 0; } .stats div b { display:block; font-size:15px; } .stats div span { color:var(--muted); font-size:11px; }
.cols { display:grid; grid-template-columns: minmax(0,3fr) minmax(0,2fr); gap:12px; }
.cols2 { display:grid; grid-template-columns: minmax(0,1fr) minmax(0,1fr); gap:12px; }
@media (max-width: 1000px) { .cols, .cols2 { grid-template-columns: minmax(0,1fr); } }
.frames-panel { display:flex; flex-direction:column; } .frame-box { flex:1 1 auto; display:flex; flex-direction:column; min-height:0; }
.grid-scroll { position:relative; flex:1 1 auto; min-height:160px; max-height:max(330px, calc(100vh - 110px)); overflow:auto; background:#101318; border-radius:4px; }
.still-stage { position:relative; margin:0 auto 6px; max-width:100%; background:#101318; border-radius:4px; overflow:hidden; }
.still-stage img { position:absolute; inset:0; width:100%; height:100%; object-fit:contain; cursor:zoom-in; }
.still-tiles { position:absolute; inset:0; } .still-stage.merged .still-tiles { display:none; }
.tile { position:absolute; box-sizing:border-box; border:1px solid #101318; background:#232831; }
.tile.leased { background:#1d3a5c; animation:pulse 1.2s ease-in-out infinite alternate; } .tile.done { background:#24583a; }
.tile img { display:block; width:100%; height:100%; } .tile.failed { background:#5a1d22; } .tile.cancelled { background:#3b3526; }
@keyframes pulse { from { opacity:.55; } to { opacity:1; } }
.grid-window { position:absolute; top:0; left:0; right:0; }
.cell { position:absolute; width:92px; height:72px; border-radius:3px; overflow:hidden; background:#232831; border:2px solid transparent; cursor:pointer; }
.cell img { width:100%; height:100%; object-fit:cover; display:block; pointer-events:none; }
.cell .live { position:absolute; left:3px; right:3px; top:3px; height:16px; font-size:11px; background:rgba(0,0,0,.6); border-radius:3px; overflow:hidden; pointer-events:none; }
.cell .live i { position:absolute; left:0; top:0; bottom:0; background:var(--leased); opacity:.45; }
.cell .live b { position:relative; font-weight:normal; padding:0 4px; white-space:nowrap; }
.cell .fno { position:absolute; left:3px; bottom:2px; font-size:11px; background:rgba(0,0,0,.6); padding:0 4px; border-radius:3px; pointer-events:none; }
.cell.queued { border-color:#3a414c; } .cell.leased { border-color:var(--leased); } .cell.done { border-color:#24583a; }
.cell.failed { border-color:var(--bad); background:#3a1a1d; } .cell.failed .fno::after { content:' ✕'; color:var(--bad); }
.cell.cancelled { border-color:var(--cancelled); opacity:.6; }
.cell.selected { outline:2px solid #fff; }
.legend { display:flex; flex-wrap:wrap; gap:4px 12px; font-size:11px; color:var(--muted); margin-bottom:6px; } .legend i { display:inline-block; width:9px; height:9px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
.sw.done { background:var(--ok); } .sw.leased { background:var(--leased); } .sw.queued { background:var(--queued); } .sw.failed { background:var(--bad); } .sw.cancelled { background:var(--cancelled); }
.latest-img { height:200px; background:#101318; border-radius:4px; display:flex; align-items:center; justify-content:center; cursor:zoom-in; overflow:hidden; }
.latest-img img { max-width:100%; max-height:100%; object-fit:contain; }
.failed-list { max-height:220px; overflow:auto; } .failed-item { border-left:3px solid var(--bad); padding:4px 8px; margin-bottom:6px; background:#211b1e; }
.failed-item .headline { overflow-wrap:anywhere; } .tail-fold summary { cursor:pointer; font-size:11px; }
pre.tail, pre.logs { margin:4px 0 0; white-space:pre-wrap; word-break:break-all; font:11px/1.35 ui-monospace, monospace; color:#d6c3c4; max-height:110px; overflow:auto; }
pre.logs { color:#c8d0da; max-height:260px; background:#101318; padding:8px; border-radius:4px; } pre.logs .noise { color:#5f6773; } pre.logs .released-by { color:#7d93ad; }
table.tasks td { white-space:nowrap; } td.row-actions { display:flex; gap:4px; } .chips button { padding:1px 8px; font-size:12px; }
canvas { display:block; width:100%; background:#101318; border-radius:4px; }
.tooltip { position:fixed; pointer-events:none; background:#000c; border:1px solid #444; padding:4px 7px; border-radius:4px; font-size:11px; z-index:10; white-space:pre; }
.events { max-height:220px; overflow:auto; font-size:12px; } .events .ev, .events summary { padding:2px 0; border-bottom:1px solid #232831; }
.events .t { color:var(--muted); margin-right:6px; } .events .type { color:#a9b8ff; margin-right:6px; }
.ev.warning .type { color:var(--warn); } .ev.error .type { color:var(--bad); } .ev.detail { color:var(--muted); } .fold > .ev { padding-left:14px; }
.lightbox { position:fixed; inset:0; background:#000d; display:flex; flex-direction:column; align-items:center; justify-content:center; z-index:20; cursor:zoom-out; gap:6px; }
.lb-picture img { max-width:92vw; max-height:76vh; min-width:min(640px, 92vw); object-fit:contain; display:block; } .lightbox p { color:#ddd; margin:0; }
.lb-controls { cursor:default; justify-content:center; }
.login { max-width:460px; margin:80px auto; } .login input { width:100%; margin:8px 0; padding:7px; }
.farm-agent { white-space:nowrap; font-size:12px; line-height:1.6; } .small { font-size:12px; margin:0 0 6px; } .farm-actions { margin-bottom:6px; }
.gpus { display:flex; gap:3px; } .gpus i { width:14px; height:14px; border-radius:3px; background:#2f3540; } .gpus i.used { background:var(--accent); }
.placeholder { border:1px dashed #55606e; color:var(--muted); }
video { width:100%; max-height:260px; background:#000; border-radius:4px; }
table.jobs td.c-actions { width:1%; white-space:nowrap; } table.jobs .notice:empty { display:none; }
.tasks-scroll { max-height:320px; overflow-y:auto; } .tasks-scroll thead th { position:sticky; top:0; background:var(--panel); } table.jobs td.c-progress { min-width:150px; }
@media (max-width: 900px) { table.jobs .c-when, table.jobs .c-rate { display:none; } td.name { max-width:160px; } }
@media (max-width: 700px) { table.jobs .c-eta { display:none; } main { padding:10px 8px; } }
`;

/** The page's icon: a GPU-green square (browsers ask for one; without it they log a 404). */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="1" width="14" height="14" rx="3" fill="#3fb970"/><rect x="4" y="4" width="8" height="8" rx="1" fill="#14171c"/></svg>`;
