// blocgraph explorer: plain JavaScript drawing SVG from the JSON API (/api/...). No build step.
// State lives in the URL: /?as_of=YYYY-MM-DD&bloc=B&bloc=B2&select=ID
// (ID: an entity id, an edge "SOURCE,TARGET,KIND", or a claim id).
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const W = 1000, H = 720, MARGIN = 40;
  // Okabe-Ito palette (safe for colour-blind readers); every colour has a second cue (dashes,
  // shapes, positions) and the legend spells them out.
  const ROLE = {
    member: { color: "#0072B2", dash: "", width: 2.6, label: "member" },
    associate: { color: "#56B4E9", dash: "8 4", width: 2.4, label: "associate" },
    observer: { color: "#6b6b6b", dash: "2 4", width: 2.2, label: "observer" },
    frozen: { color: "#E69F00", dash: "12 4 3 4", width: 3.2, label: "frozen / suspended" },
    applicant: { color: "#CC79A7", dash: "1 5", width: 2.4, label: "applicant" },
  };
  const TRADE = { color: "#3d3d3d", forecastDash: "6 5", estimateDash: "2 3" };
  const REL = {
    friction: { color: "#D55E00", dash: "5 3", label: "friction (more hostile events)" },
    cooperation: { color: "#009E73", dash: "", label: "cooperation (more cooperative events)" },
    neutral: { color: "#8c8c8c", dash: "1 3", label: "neutral or mixed" },
  };
  const POLARITY = { "-1": REL.friction.color, "0": "#6b6b6b", "1": REL.cooperation.color };
  const COMPONENTS = [
    { key: "cohesion", color: "#1a1a1a", dash: "", width: 3, label: "cohesion" },
    { key: "retention", color: "#0072B2", dash: "6 3", width: 1.6, label: "retention" },
    { key: "polarity", color: "#D55E00", dash: "2 3", width: 1.6, label: "polarity" },
    { key: "balance", color: "#009E73", dash: "8 3 2 3", width: 1.6, label: "balance" },
    { key: "trade_share", color: "#CC79A7", dash: "1 4", width: 2, label: "trade share" },
  ];

  const $ = (id) => document.getElementById(id);
  const state = { asOf: null, blocs: [], select: null, window: 24 };
  const data = { layout: null, pos: new Map(), view: null, events: [], claims: new Map(), listed: [], cohesion: new Map() };
  const timings = { firstDraw: null, redraws: [] };
  let first = null, last = null, playing = null, viewRequest = 0, pending = null;

  // ---------- dates ----------
  const pad = (n) => String(n).padStart(2, "0");
  const parseDay = (s) => {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(s || "");
    if (!m) return null;
    const d = new Date(Date.UTC(+m[1], (+m[2] || 1) - 1, +m[3] || 1));
    return isNaN(d) || d.getUTCFullYear() !== +m[1] ? null : d;
  };
  const fmt = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const monthIndex = (d) => (d.getUTCFullYear() - first.getUTCFullYear()) * 12 + d.getUTCMonth() - first.getUTCMonth();
  const fromMonthIndex = (i, day) => {
    const y = first.getUTCFullYear() + Math.floor((first.getUTCMonth() + i) / 12);
    const m = (first.getUTCMonth() + i) % 12;
    const dim = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, m, Math.min(day || 1, dim)));
  };
  const clampDate = (d) => (d < first ? first : d > last ? last : d);
  const yearFrac = (d) => d.getUTCFullYear() + (d.getUTCMonth() + (d.getUTCDate() - 1) / 31) / 12;

  // ---------- HTTP ----------
  async function api(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
    if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
    return body;
  }
  const qs = (pairs) => pairs.filter((p) => p[1] != null && p[1] !== "").map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");

  // ---------- SVG helpers ----------
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== "") e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    const t = el("text", Object.assign({ x, y, "font-family": "DejaVu Sans, sans-serif", "font-size": 13, fill: "#1a1a1a" }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  const xy = (id) => {
    const p = data.pos.get(id);
    return p ? [MARGIN + p.x * (W - 2 * MARGIN), MARGIN + p.y * (H - 2 * MARGIN)] : null;
  };

  // ---------- URL state ----------
  function readUrl() {
    const u = new URLSearchParams(location.search);
    const d = parseDay(u.get("as_of"));
    state.asOf = d ? clampDate(d) : last;
    state.blocs = u.getAll("bloc").map((b) => b.toUpperCase()).filter((b) => data.blocIds.includes(b));
    state.select = u.get("select") || null;
  }
  function url() {
    const pairs = [["as_of", fmt(state.asOf)]];
    for (const b of state.blocs) pairs.push(["bloc", b]);
    if (state.select) pairs.push(["select", state.select]);
    return "/?" + qs(pairs);
  }
  function writeUrl() {
    const u = url();
    history.replaceState(null, "", u);
    $("permalink").href = u;
  }

  // ---------- controls ----------
  function setDate(d, opts) {
    state.asOf = clampDate(d);
    $("as-of").value = fmt(state.asOf);
    $("as-of-slider").value = monthIndex(state.asOf);
    $("slider-label").textContent = fmt(state.asOf);
    writeUrl();
    drawTimelineMarker();
    drawCohesionMarkers();
    if (!(opts && opts.noFetch)) scheduleView();
  }
  function scheduleView() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => { pending = null; loadView(); }, 10);
  }

  function buildControls() {
    const slider = $("as-of-slider");
    slider.min = 0;
    slider.max = monthIndex(last);
    const input = $("as-of");
    input.min = fmt(first);
    input.max = fmt(last);
    input.addEventListener("change", () => {
      const d = parseDay(input.value);
      if (d) setDate(d);
      else input.value = fmt(state.asOf);
    });
    slider.addEventListener("input", () => setDate(fromMonthIndex(+slider.value, 1)));
    slider.addEventListener("keydown", (e) => {
      if (e.key === "PageUp" || e.key === "PageDown") {
        e.preventDefault();
        const i = Math.max(0, Math.min(+slider.max, +slider.value + (e.key === "PageUp" ? 12 : -12)));
        slider.value = i;
        setDate(fromMonthIndex(i, 1));
      }
    });
    $("play").addEventListener("click", togglePlay);
    document.addEventListener("keydown", (e) => {
      if (e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
      if (e.key === "Escape") select(null);
      if (e.key === "p" || e.key === "P") togglePlay();
    });
    const box = $("blocs");
    for (const id of data.blocIds) {
      const label = document.createElement("label");
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.value = id;
      cb.checked = state.blocs.includes(id);
      cb.addEventListener("change", async () => {
        state.blocs = [...box.querySelectorAll("input:checked")].map((c) => c.value);
        writeUrl();
        await loadLayout();
        loadView();
        loadCohesion();
      });
      label.appendChild(cb);
      const node = data.layout.nodes.find((n) => n.id === id);
      label.appendChild(document.createTextNode(` ${id}` + (node && node.label !== id ? ` (${node.label})` : "")));
      box.appendChild(label);
    }
    $("download-svg").addEventListener("click", () => download("svg"));
    $("download-png").addEventListener("click", () => download("png"));
    $("download-csv").addEventListener("click", () => download("csv"));
  }

  function togglePlay() {
    const b = $("play");
    if (playing) {
      clearInterval(playing);
      playing = null;
      b.setAttribute("aria-pressed", "false");
      b.textContent = "\u25B6 Play";
      return;
    }
    if (state.asOf >= last) setDate(first);
    b.setAttribute("aria-pressed", "true");
    b.textContent = "\u23F8 Pause";
    playing = setInterval(() => {
      const d = new Date(Date.UTC(state.asOf.getUTCFullYear() + 1, state.asOf.getUTCMonth(), state.asOf.getUTCDate()));
      if (d > last) { setDate(last); togglePlay(); return; }
      setDate(d);
    }, 800);
  }

  // ---------- the graph ----------
  // Positions come from the server, laid out once over all dates (for a bloc filter: over the
  // blocs and everyone who was ever their member), so nodes stay put while the date moves.
  const layouts = new Map();
  async function loadLayout() {
    const key = state.blocs.slice().sort().join(",");
    if (!layouts.has(key)) layouts.set(key, api("/api/layout?" + qs(state.blocs.map((b) => ["bloc", b]))));
    const layout = await layouts.get(key);
    data.pos = new Map(layout.nodes.map((n) => [n.id, n]));
  }
  async function loadView() {
    const n = ++viewRequest;
    const t0 = performance.now();
    const pairs = [["as_of", fmt(state.asOf)], ["window", state.window]];
    for (const b of state.blocs) pairs.push(["bloc", b]);
    let view;
    try {
      view = await api("/api/view?" + qs(pairs));
    } catch (e) {
      $("status").textContent = "Could not load the graph: " + e.message;
      return;
    }
    if (n !== viewRequest) return; // a newer date was asked for meanwhile
    data.view = view;
    drawGraph();
    const ms = performance.now() - t0;
    if (timings.firstDraw === null) timings.firstDraw = ms; else timings.redraws.push(ms);
    document.body.dataset.drawn = view.as_of + " " + state.blocs.join(",");
    if (state.select) await showSelection(false);
  }

  function edgeKey(e) { return `${e.source} ${e.target} ${e.kind}`; }
  function relationStyle(e) {
    const net = (e.cooperation || 0) - (e.friction || 0);
    return net < 0 ? REL.friction : net > 0 ? REL.cooperation : REL.neutral;
  }
  function tradeWidth(v) { return Math.max(1.2, Math.min(9, Math.log10(Math.max(v, 1e6)) * 2.4 - 13.5)); }
  function money(v) {
    if (v == null) return "";
    if (v >= 1e9) return `$${+(v / 1e9).toFixed(1)} bn`;
    if (v >= 1e6) return `$${+(v / 1e6).toFixed(1)} m`;
    return `$${v}`;
  }
  function edgeTitle(e) {
    if (e.kind === "membership") return `${e.source} in ${e.target}: ${e.role}`;
    if (e.kind === "trade") {
      const q = { "at-least": "at least ", approx: "about ", range: "between " }[e.qualifier] || "";
      const v = e.qualifier === "range" && e.value_usd_max ? `${money(e.value_usd)} and ${money(e.value_usd_max)}` : money(e.value_usd);
      return `trade ${e.source} \u2192 ${e.target}: ${q}${v} (${e.period_start}\u2013${e.period_end}, ${e.status || "reported"})`;
    }
    return `${e.source} \u2192 ${e.target}: ${e.cooperation} cooperative, ${e.friction} hostile, ${e.events - e.cooperation - e.friction} neutral events in the window`;
  }

  function pathFor(e) {
    const a = xy(e.source), b = xy(e.target);
    if (!a || !b) return null;
    if (e.kind === "membership") return `M${a[0].toFixed(1)},${a[1].toFixed(1)} L${b[0].toFixed(1)},${b[1].toFixed(1)}`;
    // Trade and relations bend to opposite sides so that they never hide a membership line.
    const bend = e.kind === "trade" ? 0.12 : -0.18;
    const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
    const cx = mx - (b[1] - a[1]) * bend, cy = my + (b[0] - a[0]) * bend;
    return `M${a[0].toFixed(1)},${a[1].toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${b[0].toFixed(1)},${b[1].toFixed(1)}`;
  }

  function drawGraph() {
    const svg = $("graph");
    const view = data.view;
    svg.replaceChildren();
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#ffffff" }, svg);
    const defs = el("defs", {}, svg);
    for (const [name, s] of Object.entries(REL)) {
      const m = el("marker", { id: `arrow-${name}`, viewBox: "0 0 10 10", refX: 27, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
      el("path", { d: "M0,0 L10,5 L0,10 z", fill: s.color }, m);
    }
    const tm = el("marker", { id: "arrow-trade", viewBox: "0 0 10 10", refX: 27, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: TRADE.color }, tm);
    const blocFilter = state.blocs.length ? ` \u00B7 blocs ${state.blocs.join(", ")}` : "";
    text(svg, 12, 22, `Alliances on ${view.as_of}${blocFilter}`, { "font-size": 17, "font-weight": "bold" });
    text(svg, 12, 40, `Events and trade: ${view.window_start} to ${view.as_of} (${view.window} months)`, { "font-size": 12, fill: "#4a4a4a" });
    const shown = new Set();
    for (const n of view.nodes) if (n.degree > 0 || state.blocs.includes(n.id)) shown.add(n.id);
    const edgeLayer = el("g", { "aria-label": "edges" }, svg);
    const order = { membership: 0, trade: 1, relation: 2 };
    const edges = view.edges.slice().sort((a, b) => order[a.kind] - order[b.kind]);
    for (const e of edges) {
      const d = pathFor(e);
      if (!d) continue;
      const g = el("g", { "data-edge": edgeKey(e), tabindex: 0, role: "button", "data-claims": e.claims.join(" ") }, edgeLayer);
      if (e.kind === "membership") g.setAttribute("data-role", e.role);
      g.setAttribute("aria-label", edgeTitle(e));
      el("title", {}, g).textContent = edgeTitle(e) + ` (${e.claims.length} claim${e.claims.length === 1 ? "" : "s"})`;
      let stroke, dash, width, marker;
      if (e.kind === "membership") {
        const s = ROLE[e.role] || ROLE.member;
        stroke = s.color; dash = s.dash; width = s.width;
      } else if (e.kind === "trade") {
        stroke = TRADE.color; width = tradeWidth(e.value_usd);
        dash = e.status === "forecast" ? TRADE.forecastDash : e.status === "estimate" ? TRADE.estimateDash : "";
        marker = "url(#arrow-trade)";
      } else {
        const s = relationStyle(e);
        stroke = s.color; dash = s.dash; width = 1.4 + Math.min(4, Math.sqrt(e.events));
        marker = `url(#arrow-${s === REL.friction ? "friction" : s === REL.cooperation ? "cooperation" : "neutral"})`;
      }
      el("path", { d, fill: "none", stroke: "transparent", "stroke-width": 12, class: "hit" }, g);
      if (e.kind === "trade" && e.qualifier === "range") {
        // A range is drawn as two thin parallel strokes (its lower and upper bound).
        el("path", { d, fill: "none", stroke, "stroke-width": width + 3, "stroke-dasharray": dash, "stroke-linecap": "butt", class: "line" }, g);
        el("path", { d, fill: "none", stroke: "#ffffff", "stroke-width": Math.max(1, width - 1), class: "gap" }, g);
      } else {
        el("path", { d, fill: "none", stroke, "stroke-width": width.toFixed(1), "stroke-dasharray": dash, "marker-end": marker, "stroke-linecap": "round", class: "line" }, g);
      }
      if (e.kind === "trade" && (e.qualifier === "at-least" || e.qualifier === "approx")) {
        const a = xy(e.source), b = xy(e.target);
        const bend = 0.12, mx = (a[0] + b[0]) / 2 - (b[1] - a[1]) * bend / 2, my = (a[1] + b[1]) / 2 + (b[0] - a[0]) * bend / 2;
        text(g, mx, my - 3, e.qualifier === "at-least" ? "\u2265" : "\u2248", { "font-size": 15, "font-weight": "bold", "text-anchor": "middle", fill: TRADE.color, stroke: "#fff", "stroke-width": 3, "paint-order": "stroke" });
      }
      g.addEventListener("click", () => select(e.source + "," + e.target + "," + e.kind));
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(e.source + "," + e.target + "," + e.kind); } });
    }
    const nodeLayer = el("g", { "aria-label": "nodes" }, svg);
    const byId = new Map(view.nodes.map((n) => [n.id, n]));
    // Blocs last, so that the hubs sit on top.
    const ids = [...shown].sort((a, b) => (byId.get(a).kind === "bloc") - (byId.get(b).kind === "bloc") || a.localeCompare(b));
    for (const id of ids) {
      const n = byId.get(id);
      const p = xy(id);
      if (!p) continue;
      const g = el("g", { "data-node": id, tabindex: 0, role: "button", "aria-label": `${n.label} (${n.kind})`, transform: `translate(${p[0].toFixed(1)},${p[1].toFixed(1)})` }, nodeLayer);
      el("title", {}, g).textContent = `${n.label} (${id})`;
      if (n.kind === "bloc") {
        const w = Math.max(46, id.length * 9 + 14);
        el("rect", { x: -w / 2, y: -14, width: w, height: 28, rx: 6, fill: "#1a1a1a", stroke: "#ffffff", "stroke-width": 2, class: "shape" }, g);
        text(g, 0, 5, id.replace("_", " "), { "text-anchor": "middle", fill: "#ffffff", "font-weight": "bold", "font-size": 12 });
      } else {
        el("circle", { r: 15, fill: "#ffffff", stroke: "#1a1a1a", "stroke-width": 1.6, class: "shape" }, g);
        text(g, 0, 4.5, id, { "text-anchor": "middle", "font-size": 11, "font-weight": "bold" });
      }
      g.addEventListener("click", () => select(id));
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(id); } });
    }
    const nEdges = view.edges.length;
    $("status").textContent = `${fmt(state.asOf)}: ${shown.size} countries and blocs, ${nEdges} lines` + (nEdges ? "" : " (no facts on this date)");
    highlight();
  }

  function highlight() {
    const svg = $("graph");
    for (const g of svg.querySelectorAll("[data-selected]")) {
      g.removeAttribute("data-selected");
      const s = g.querySelector(".shape");
      if (s) s.setAttribute("stroke-width", s.tagName === "rect" ? 2 : 1.6);
      if (s && s.tagName === "circle") s.setAttribute("stroke", "#1a1a1a");
      if (s && s.tagName === "rect") s.setAttribute("stroke", "#ffffff");
    }
    const mark = (g) => {
      if (!g) return;
      g.setAttribute("data-selected", "true");
      const s = g.querySelector(".shape");
      if (s) { s.setAttribute("stroke", "#0050a0"); s.setAttribute("stroke-width", 5); }
      const line = g.querySelector(".hit");
      if (line) { line.setAttribute("stroke", "#0050a0"); line.setAttribute("stroke-opacity", "0.25"); }
    };
    for (const id of highlighted()) mark(svg.querySelector(`[data-node="${CSS.escape(id)}"]`));
    if (state.select && state.select.includes(",")) mark(svg.querySelector(`[data-edge="${CSS.escape(state.select.split(",").join(" "))}"]`));
  }
  let eventHighlight = [];
  function highlighted() {
    const ids = [...eventHighlight];
    if (state.select && !state.select.includes(",") && !/^[a-z]+-[0-9a-f]+$/.test(state.select)) ids.push(state.select);
    return ids;
  }

  // ---------- selection and facts ----------
  async function select(id) {
    state.select = id;
    eventHighlight = [];
    writeUrl();
    await showSelection(true);
  }

  async function claim(id) {
    if (!data.claims.has(id)) data.claims.set(id, api("/api/claims/" + encodeURIComponent(id)));
    return data.claims.get(id);
  }

  async function showSelection(focus) {
    highlight();
    const list = $("facts");
    const sel = state.select;
    if (!sel) {
      list.replaceChildren();
      data.listed = [];
      $("facts-title").textContent = "Facts";
      $("facts-hint").hidden = false;
      return;
    }
    $("facts-hint").hidden = true;
    let ids = [], title;
    if (sel.includes(",")) {
      const [s, t, k] = sel.split(",");
      const e = data.view.edges.find((x) => x.source === s && x.target === t && x.kind === k);
      title = `${s} \u2192 ${t}, ${k}` + (e ? "" : ` (not on ${data.view.as_of})`);
      ids = e ? e.claims : [];
    } else if (/^[a-z]+-[0-9a-f]+$/.test(sel)) {
      title = `Claim ${sel}`;
      ids = [sel];
    } else {
      const touching = data.view.edges.filter((x) => x.source === sel || x.target === sel);
      const node = data.view.nodes.find((n) => n.id === sel);
      title = `${node ? node.label : sel} on ${data.view.as_of}`;
      ids = [...new Set(touching.flatMap((x) => x.claims))];
    }
    $("facts-title").textContent = title;
    let claims;
    try {
      claims = await Promise.all(ids.map(claim));
    } catch (e) {
      list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "Could not load the claims: " + e.message }));
      return;
    }
    if (state.select !== sel) return;
    data.listed = claims;
    list.replaceChildren(...claims.map(claimItem));
    if (!claims.length) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "No claims on this date." }));
    if (focus && window.matchMedia("(max-width: 900px)").matches) list.scrollIntoView();
  }

  function summary(c) {
    if (c.kind === "membership") return `${c.country} in ${c.bloc}: ${c.role}`;
    if (c.kind === "trade") {
      const q = { "at-least": "at least ", approx: "about ", range: "between " }[c.qualifier] || "";
      const v = c.qualifier === "range" && c.value_usd_max ? `${money(c.value_usd)} and ${money(c.value_usd_max)}` : money(c.value_usd);
      return `Trade ${c.reporter} \u2192 ${c.partner}: ${q}${v} (${c.status})`;
    }
    if (c.kind === "event") return `${c.type}: ${c.summary}`;
    return c.kind;
  }
  function dates(c) {
    if (c.kind === "membership") return `from ${c.start} ` + (c.end ? `to ${c.end}` : "(no end stated)");
    if (c.kind === "trade") return `period ${c.period_start} to ${c.period_end}` + (c.change_pct != null ? `, change ${c.change_pct}%` : "");
    if (c.kind === "event") return `${c.date}, polarity ${c.polarity > 0 ? "+1 cooperation" : c.polarity < 0 ? "\u22121 friction" : "0 neutral"}`;
    return "";
  }

  function claimItem(c) {
    const li = document.createElement("li");
    li.dataset.claim = c.id;
    li.dataset.sources = c.sources.map((s) => s.id).join(" ");
    li.tabIndex = 0;
    const what = document.createElement("div");
    what.className = "what";
    what.textContent = summary(c);
    if (c.disputed) {
      const b = document.createElement("span");
      b.className = "badge";
      b.textContent = "disputed: sources differ";
      what.appendChild(b);
    }
    li.appendChild(what);
    const d = document.createElement("div");
    d.className = "dates";
    d.textContent = dates(c) + ` \u00B7 claim ${c.id}`;
    li.appendChild(d);
    const ul = document.createElement("ul");
    ul.className = "source";
    for (const s of c.sources) {
      const item = document.createElement("li");
      const head = document.createElement("div");
      const name = s.url ? Object.assign(document.createElement("a"), { href: s.url, textContent: s.title, rel: "noopener" }) : Object.assign(document.createElement("strong"), { textContent: s.title });
      head.append(name, document.createTextNode(` \u2014 ${s.publisher}, ${s.published}` + (s.author ? `, ${s.author}` : "") + ` [${s.id}]`));
      if (s.kind === "dataset") head.append(document.createTextNode(` \u00B7 dataset` + (s.horizon ? `, covers up to ${s.horizon}` : "")));
      else if (s.kind === "reference") head.append(document.createTextNode(" \u00B7 reference source (a fact the articles assume)"));
      else if (s.horizon) head.append(document.createTextNode(` \u00B7 article: says nothing after ${s.horizon}`));
      const st = s.states || {};
      const differs = c.disputed && ["start", "end", "role", "value_usd", "date"].some((k) => st[k] !== c[k]);
      if (differs) head.append(document.createTextNode(` \u00B7 this source states: ${["role", "start", "end", "value_usd", "date"].filter((k) => st[k] != null).map((k) => `${k} ${st[k]}`).join(", ")}`));
      item.appendChild(head);
      if (s.quote) {
        // The quote as a reader sees it (a Markdown link shown as its words); where the
        // stored, verbatim text differs, it follows in small type.
        const shown = s.quote.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
        const q = document.createElement("blockquote");
        q.textContent = shown;
        q.dataset.quote = s.quote;
        item.appendChild(q);
        if (shown !== s.quote) {
          const v = document.createElement("div");
          v.className = "note";
          v.textContent = `verbatim, with the article's link markup: ${s.quote}`;
          item.appendChild(v);
        }
      }
      if (s.note) {
        const n = document.createElement("div");
        n.className = "note";
        n.textContent = s.note;
        item.appendChild(n);
      }
      ul.appendChild(item);
    }
    li.appendChild(ul);
    return li;
  }

  // ---------- timeline ----------
  const TL = { w: 1000, h: 120, left: 40, right: 20 };
  const tx = (d) => TL.left + (yearFrac(d) - yearFrac(first)) / (yearFrac(last) - yearFrac(first) || 1) * (TL.w - TL.left - TL.right);
  function drawTimeline() {
    const svg = $("timeline");
    svg.replaceChildren();
    el("rect", { x: 0, y: 0, width: TL.w, height: TL.h, fill: "#ffffff" }, svg);
    const lane = { 1: 28, 0: 58, "-1": 88 };
    for (const [p, y] of Object.entries(lane)) el("line", { x1: TL.left, x2: TL.w - TL.right, y1: y, y2: y, stroke: "#e2e2e2" }, svg);
    text(svg, 4, 32, "+1", { "font-size": 11, fill: "#4a4a4a" });
    text(svg, 4, 62, "0", { "font-size": 11, fill: "#4a4a4a" });
    text(svg, 4, 92, "\u22121", { "font-size": 11, fill: "#4a4a4a" });
    for (let y = first.getUTCFullYear(); y <= last.getUTCFullYear(); y++) {
      const x = tx(new Date(Date.UTC(y, 0, 1)));
      if (y % 5 === 0 || y === first.getUTCFullYear()) {
        el("line", { x1: x, x2: x, y1: 100, y2: 106, stroke: "#4a4a4a" }, svg);
        text(svg, x, 118, String(y), { "font-size": 11, "text-anchor": "middle", fill: "#4a4a4a" });
      }
    }
    el("line", { id: "timeline-marker", x1: 0, x2: 0, y1: 12, y2: 100, stroke: "#1a1a1a", "stroke-width": 2, "stroke-dasharray": "3 2" }, svg);
    for (const e of data.events) {
      const d = parseDay(e.day);
      const x = tx(d), y = lane[String(Math.sign(e.polarity))];
      const g = el("g", { "data-event": e.id, "data-date": e.date, tabindex: 0, role: "button", "aria-label": `${e.date}: ${e.summary}`, transform: `translate(${x.toFixed(1)},${y})` }, svg);
      el("title", {}, g).textContent = `${e.date} ${e.type}: ${e.summary} [${e.sources.join(", ")}]`;
      const c = POLARITY[String(Math.sign(e.polarity))];
      // Shape is the second cue: triangle up (cooperation), circle (neutral), triangle down (friction).
      if (e.polarity > 0) el("path", { d: "M0,-7 L6,4 L-6,4 z", fill: c, stroke: "#fff", "stroke-width": 0.8 }, g);
      else if (e.polarity < 0) el("path", { d: "M0,7 L6,-4 L-6,-4 z", fill: c, stroke: "#fff", "stroke-width": 0.8 }, g);
      else el("circle", { r: 5, fill: c, stroke: "#fff", "stroke-width": 0.8 }, g);
      const choose = () => chooseEvent(e);
      g.addEventListener("click", choose);
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); choose(); } });
    }
    drawTimelineMarker();
  }
  function drawTimelineMarker() {
    const m = $("timeline-marker");
    if (!m || !first) return;
    const x = tx(state.asOf).toFixed(1);
    m.setAttribute("x1", x);
    m.setAttribute("x2", x);
  }
  async function chooseEvent(e) {
    state.select = e.id;
    setDate(parseDay(e.day));
    eventHighlight = [e.actor, e.target, e.bloc].filter(Boolean);
    $("event-detail").textContent = `${e.date} \u00B7 ${e.type} \u00B7 ${e.actor}${e.target ? " \u2192 " + e.target : ""}${e.bloc ? " (" + e.bloc + ")" : ""}: ${e.summary}`;
    for (const g of $("timeline").querySelectorAll("[data-event]")) g.removeAttribute("data-selected");
    const g = $("timeline").querySelector(`[data-event="${CSS.escape(e.id)}"]`);
    if (g) g.setAttribute("data-selected", "true");
    writeUrl();
    await showSelection(true);
    highlight();
  }

  // ---------- cohesion ----------
  const CH = { w: 480, h: 220, left: 36, right: 12, top: 26, bottom: 40 };
  async function loadCohesion() {
    const box = $("cohesion");
    $("cohesion-hint").hidden = state.blocs.length > 0;
    const wanted = state.blocs.slice(0, 4);
    const charts = [];
    for (const b of wanted) {
      if (!data.cohesion.has(b)) {
        data.cohesion.set(b, api("/api/cohesion?" + qs([["bloc", b], ["from", String(first.getUTCFullYear())], ["to", fmt(last)], ["step", "year"]])));
      }
      try {
        charts.push(cohesionChart(b, (await data.cohesion.get(b)).rows));
      } catch (e) {
        const p = document.createElement("p");
        p.textContent = `Cohesion of ${b}: ${e.message}`;
        charts.push(p);
      }
    }
    if (state.blocs.join() === wanted.join() || state.blocs.length > 4) box.replaceChildren(...charts);
  }
  function cohesionChart(bloc, rows) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${CH.w} ${CH.h}`);
    svg.setAttribute("role", "img");
    svg.dataset.bloc = bloc;
    svg.setAttribute("aria-label", `Cohesion of ${bloc} by year`);
    el("rect", { x: 0, y: 0, width: CH.w, height: CH.h, fill: "#fff" }, svg);
    text(svg, 8, 17, `${bloc}: cohesion and its components (0\u20131), yearly`, { "font-size": 13, "font-weight": "bold" });
    const x = (d) => CH.left + (yearFrac(d) - yearFrac(first)) / (yearFrac(last) - yearFrac(first) || 1) * (CH.w - CH.left - CH.right);
    const y = (v) => CH.top + (1 - v) * (CH.h - CH.top - CH.bottom);
    for (const v of [0, 0.5, 1]) {
      el("line", { x1: CH.left, x2: CH.w - CH.right, y1: y(v), y2: y(v), stroke: "#e2e2e2" }, svg);
      text(svg, CH.left - 4, y(v) + 4, String(v), { "font-size": 10, "text-anchor": "end", fill: "#4a4a4a" });
    }
    for (let yr = first.getUTCFullYear(); yr <= last.getUTCFullYear(); yr += 5) {
      text(svg, x(new Date(Date.UTC(yr, 0, 1))), CH.h - CH.bottom + 13, String(yr), { "font-size": 10, "text-anchor": "middle", fill: "#4a4a4a" });
    }
    for (const c of COMPONENTS) {
      let d = "", open = false;
      for (const r of rows) {
        const v = r[c.key];
        if (v == null) { open = false; continue; }
        d += `${open ? "L" : "M"}${x(parseDay(r.as_of)).toFixed(1)},${y(v).toFixed(1)} `;
        open = true;
      }
      if (d) el("path", { d, fill: "none", stroke: c.color, "stroke-width": c.width, "stroke-dasharray": c.dash }, svg);
    }
    // Legend under the axis.
    let lx = CH.left;
    for (const c of COMPONENTS) {
      el("line", { x1: lx, x2: lx + 18, y1: CH.h - 10, y2: CH.h - 10, stroke: c.color, "stroke-width": c.width, "stroke-dasharray": c.dash }, svg);
      text(svg, lx + 22, CH.h - 6, c.label, { "font-size": 10 });
      lx += 30 + c.label.length * 6;
    }
    el("line", { class: "cohesion-marker", x1: 0, x2: 0, y1: CH.top - 4, y2: CH.h - CH.bottom, stroke: "#1a1a1a", "stroke-width": 1.5, "stroke-dasharray": "3 2" }, svg);
    el("text", { class: "cohesion-value", x: 0, y: CH.top - 6, "font-size": 10, "font-family": "DejaVu Sans, sans-serif", fill: "#1a1a1a" }, svg);
    svg._x = x;
    svg._rows = rows;
    setTimeout(drawCohesionMarkers, 0);
    return svg;
  }
  function drawCohesionMarkers() {
    for (const svg of document.querySelectorAll("#cohesion svg")) {
      if (!svg._x) continue;
      const x = svg._x(state.asOf);
      const m = svg.querySelector(".cohesion-marker");
      m.setAttribute("x1", x); m.setAttribute("x2", x);
      const year = state.asOf.getUTCFullYear();
      const row = svg._rows.find((r) => r.as_of.startsWith(String(year)));
      const t = svg.querySelector(".cohesion-value");
      t.setAttribute("x", Math.min(x + 4, CH.w - 90));
      t.textContent = row ? `${year}: ${row.cohesion == null ? "n/a" : row.cohesion.toFixed(2)}` : "";
    }
  }

  // ---------- legend ----------
  const LEGEND_W = 640, LEGEND_H = 118;
  function drawLegend() {
    const svg = $("legend");
    svg.setAttribute("viewBox", `0 0 ${LEGEND_W} ${LEGEND_H}`);
    svg.replaceChildren();
    el("rect", { x: 0, y: 0, width: LEGEND_W, height: LEGEND_H, fill: "#fff" }, svg);
    const row = (y, title, items) => {
      text(svg, 6, y + 4, title, { "font-size": 11, "font-weight": "bold" });
      items.forEach(([label, attrs], i) => {
        const x = 92 + i * 110;
        if (attrs.shape) attrs.shape(x + 14, y);
        else el("line", Object.assign({ x1: x, x2: x + 28, y1: y, y2: y, "stroke-linecap": "round" }, attrs), svg);
        text(svg, x + 33, y + 4, label, { "font-size": 11 });
      });
    };
    row(12, "Membership", Object.values(ROLE).map((s) => [s.label.split(" ")[0], { stroke: s.color, "stroke-width": s.width, "stroke-dasharray": s.dash }]));
    row(34, "Trade", [
      ["reported", { stroke: TRADE.color, "stroke-width": 3 }],
      ["estimate", { stroke: TRADE.color, "stroke-width": 3, "stroke-dasharray": TRADE.estimateDash }],
      ["forecast", { stroke: TRADE.color, "stroke-width": 3, "stroke-dasharray": TRADE.forecastDash }],
      ["range", { shape: (x, y) => { el("line", { x1: x - 14, x2: x + 14, y1: y, y2: y, stroke: TRADE.color, "stroke-width": 6 }, svg); el("line", { x1: x - 14, x2: x + 14, y1: y, y2: y, stroke: "#fff", "stroke-width": 2 }, svg); } }],
    ]);
    row(56, "Relations", Object.entries(REL).map(([k, s]) => [k === "neutral" ? "neutral, mixed" : k, { stroke: s.color, "stroke-width": 3, "stroke-dasharray": s.dash }]));
    row(78, "Nodes", [
      ["bloc", { shape: (x, y) => { el("rect", { x: x - 14, y: y - 7, width: 28, height: 14, rx: 3, fill: "#1a1a1a" }, svg); } }],
      ["country", { shape: (x, y) => { el("circle", { cx: x, cy: y, r: 7, fill: "#fff", stroke: "#1a1a1a", "stroke-width": 1.5 }, svg); } }],
    ]);
    text(svg, 6, 104, "Membership lines are straight; trade bends one way (arrow to the partner, width by value, \u2265 at least, \u2248 about),", { "font-size": 10, fill: "#4a4a4a" });
    text(svg, 6, 116, "relations the other way (arrow to the target; the window's events before the date, net friction or cooperation).", { "font-size": 10, fill: "#4a4a4a" });
  }

  // ---------- downloads ----------
  function svgText() {
    const clone = $("graph").cloneNode(true);
    clone.setAttribute("xmlns", SVG);
    clone.setAttribute("width", W);
    const lh = Math.round(LEGEND_H * W / LEGEND_W);
    clone.setAttribute("height", H + lh + 20);
    clone.setAttribute("viewBox", `0 0 ${W} ${H + lh + 20}`);
    for (const e of clone.querySelectorAll("[tabindex]")) e.removeAttribute("tabindex");
    const legend = $("legend").cloneNode(true);
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("transform", `translate(0,${H}) scale(${W / LEGEND_W})`);
    g.append(...legend.childNodes);
    clone.appendChild(g);
    const credit = document.createElementNS(SVG, "text");
    Object.entries({ x: 10, y: H + lh + 14, "font-size": 11, "font-family": "DejaVu Sans, sans-serif", fill: "#4a4a4a" }).forEach(([k, v]) => credit.setAttribute(k, v));
    credit.textContent = `blocgraph \u00B7 ${location.origin}${url()} \u00B7 sources: select a line for its claims`;
    clone.appendChild(credit);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
  }
  const csvCell = (v) => {
    const s = v == null ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  function csvText() {
    const head = ["claim", "kind", "summary", "start", "end", "role", "value_usd", "qualifier", "status", "date", "disputed", "source", "title", "publisher", "published", "url", "quote"];
    const lines = [head.join(",")];
    for (const c of data.listed) {
      for (const s of c.sources) {
        lines.push([c.id, c.kind, summary(c), c.start || c.period_start, c.end || c.period_end, c.role, c.value_usd, c.qualifier, c.status, c.date, c.disputed, s.id, s.title, s.publisher, s.published, s.url, s.quote].map(csvCell).join(","));
      }
    }
    return lines.join("\r\n") + "\r\n";
  }
  function pngBlob() {
    return new Promise((resolve, reject) => {
      const img = new Image();
      const src = URL.createObjectURL(new Blob([svgText()], { type: "image/svg+xml" }));
      img.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = img.width * 2; canvas.height = img.height * 2;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(src);
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png");
      };
      img.onerror = () => reject(new Error("the SVG did not render"));
      img.src = src;
    });
  }
  async function download(kind) {
    const stamp = `blocgraph-${fmt(state.asOf)}${state.blocs.length ? "-" + state.blocs.join("-") : ""}`;
    let blob, name;
    if (kind === "svg") { blob = new Blob([svgText()], { type: "image/svg+xml" }); name = stamp + ".svg"; }
    else if (kind === "csv") { blob = new Blob([csvText()], { type: "text/csv" }); name = stamp + "-facts.csv"; }
    else { blob = await pngBlob(); name = stamp + ".png"; }
    window.explorer.lastDownload = { name, blob };
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // ---------- start ----------
  async function start() {
    const t0 = performance.now();
    try {
      const [layout, events] = await Promise.all([api("/api/layout"), api("/api/events")]);
      data.layout = layout;
      data.events = events.events;
      layouts.set("", Promise.resolve(layout));
      for (const n of layout.nodes) data.pos.set(n.id, n);
      data.blocIds = layout.nodes.filter((n) => n.kind === "bloc").map((n) => n.id).sort();
      first = new Date(Date.UTC(1991, 0, 1));
      const l = parseDay(layout.last);
      last = l && l > first ? l : new Date();
      readUrl();
      buildControls();
      drawLegend();
      drawTimeline();
      setDate(state.asOf, { noFetch: true });
      await loadLayout();
      await loadView();
      timings.firstDraw = performance.now() - t0;
      await loadCohesion();
      const c = layout.nodes.length;
      $("credit").textContent = `${c} countries and blocs laid out once over all dates (${fmt(first)} to ${fmt(last)}), so they stay put while the date moves. Data: the blocgraph store behind this server; every line cites its sources.`;
      if (state.select && /^[a-z]+-[0-9a-f]+$/.test(state.select)) {
        const e = data.events.find((x) => x.id === state.select);
        if (e) eventHighlight = [e.actor, e.target, e.bloc].filter(Boolean);
        highlight();
      }
      document.body.dataset.ready = "true";
    } catch (e) {
      $("status").textContent = "Could not start: " + e.message;
      throw e;
    }
  }

  window.explorer = { state, data, timings, svgText, csvText, pngBlob, download, setDate: (s) => setDate(parseDay(s)), select, lastDownload: null };
  start();
})();
