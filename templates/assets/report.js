/* driftcli report script. Inlined verbatim by driftcli/outputs/html.py.
   Strings from the data blob reach the DOM only through textContent and Plotly (entity-escaped).
   Nothing is drawn at load: drill-downs (tables + figure) are built when a row is first opened. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("js-off");
  var node = document.getElementById("drift-data");
  var data = node ? JSON.parse(node.textContent || "{}") : {};
  var rowsData = data.rows || {};
  var summaryLabels = data.summary_labels || [];
  var STATUS_ORDER = { drift: 0, ok: 1, error: 2, skipped: 3 };
  var NUM_KEYS = { statistic: 0, pvalue: 1, threshold: 2, score: 3 };

  // ------------------------------------------------------------------ helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  // Plotly reads a small HTML subset in labels; escape so every label shows literally.
  function plotText(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function shares(counts) {
    var total = 0, i;
    for (i = 0; i < counts.length; i++) { total += counts[i]; }
    return counts.map(function (c) { return total ? c / total : 0; });
  }
  function cssVar(name, fallback) {
    var v = getComputedStyle(root).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }
  function fmt(x) {
    if (x === null || x === undefined) { return ""; }
    var a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) { return x.toExponential(2); }
    return String(Number(x.toPrecision(4)));
  }
  function kvTable(caption, head, rows) {
    var t = el("table", "kv"), tb = el("tbody"), i, j;
    t.appendChild(el("caption", null, caption));
    if (head) {
      var th = el("thead"), tr = el("tr");
      for (j = 0; j < head.length; j++) {
        var c = el("th", j ? "num" : null, head[j]);
        c.scope = "col";
        tr.appendChild(c);
      }
      th.appendChild(tr);
      t.appendChild(th);
    }
    for (i = 0; i < rows.length; i++) {
      var r = el("tr"), h = el("th", null, rows[i][0]);
      h.scope = "row";
      r.appendChild(h);
      for (j = 1; j < rows[i].length; j++) {
        r.appendChild(el("td", head ? "num wrap" : "wrap", rows[i][j]));
      }
      tb.appendChild(r);
    }
    t.appendChild(tb);
    return t;
  }

  // ------------------------------------------------------------------ figures
  function isOther(labels, i) {
    return i === labels.length - 1 && /^\(other: \d+ categories\)$/.test(labels[i]);
  }
  function categoryMarks(d) {
    var added = [], gone = [], i;
    for (i = 0; i < d.l.length; i++) {
      if (isOther(d.l, i)) { continue; }
      if (d.r[i] === 0 && d.c[i] > 0) { added.push(d.l[i]); }
      if (d.c[i] === 0 && d.r[i] > 0) { gone.push(d.l[i]); }
    }
    return { added: added, gone: gone };
  }
  // Equal-width edges arrive as [first, last]; expand them to one edge per bin boundary.
  function edgesOf(d) {
    if (d.e.length === d.r.length + 1) { return d.e; }
    var lo = d.e[0], hi = d.e[1], n = d.r.length, out = [], i;
    for (i = 0; i <= n; i++) { out.push(i === n ? hi : lo + (hi - lo) * i / n); }
    return out;
  }
  function drawHistogram(target, d, base) {
    var e = edgesOf(d), x = [], w = [], labels = [], i;
    for (i = 0; i + 1 < e.length; i++) {
      x.push((e[i] + e[i + 1]) / 2);
      w.push(e[i + 1] - e[i]);
      labels.push(fmt(e[i]) + " to " + fmt(e[i + 1]));
    }
    var sr = shares(d.r), sc = shares(d.c);
    function cum(s) {
      var out = [0], acc = 0;
      for (var k = 0; k < s.length; k++) { acc += s[k]; out.push(Math.min(1, acc)); }
      return out;
    }
    function bar(side, y, counts, color, pattern) {
      return {
        type: "bar", name: side, x: x, y: y, width: w, opacity: 0.55, legendgroup: side,
        marker: { color: color, line: { width: 0 }, pattern: { shape: pattern } },
        customdata: labels.map(function (l, k) { return [l, counts[k]]; }),
        hovertemplate: "%{customdata[0]}<br>share %{y:.2%} (%{customdata[1]} rows)<extra>" + side + "</extra>"
      };
    }
    var traces = [
      bar("reference", sr, d.r, base.ref, ""),
      bar("current", sc, d.c, base.cur, "/"),
      { type: "scatter", mode: "lines", name: "reference", showlegend: false, legendgroup: "reference",
        x: e, y: cum(sr), xaxis: "x2", yaxis: "y2", line: { color: base.ref, width: 2 },
        hovertemplate: "x %{x:.4g}<br>ECDF %{y:.1%}<extra>reference</extra>" },
      { type: "scatter", mode: "lines", name: "current", showlegend: false, legendgroup: "current",
        x: e, y: cum(sc), xaxis: "x2", yaxis: "y2", line: { color: base.cur, width: 2, dash: "dash" },
        hovertemplate: "x %{x:.4g}<br>ECDF %{y:.1%}<extra>current</extra>" }
    ];
    var layout = base.layout;
    layout.barmode = "overlay";
    layout.bargap = 0;
    layout.xaxis = { domain: [0, 0.54], gridcolor: base.grid, zeroline: false, title: { text: "value (shared bins)" } };
    layout.yaxis = { tickformat: ".0%", title: { text: "share of rows" }, gridcolor: base.grid, rangemode: "tozero" };
    layout.xaxis2 = { domain: [0.64, 1], anchor: "y2", gridcolor: base.grid, zeroline: false, title: { text: "value" } };
    layout.yaxis2 = { anchor: "x2", tickformat: ".0%", range: [0, 1.02], gridcolor: base.grid, title: { text: "ECDF (from bins)" } };
    Plotly.newPlot(target, traces, layout, base.config);
  }
  function drawBars(target, d, base) {
    var marks = categoryMarks(d), i;
    var labels = d.l.map(function (l, k) {
      var t = plotText(l);
      if (marks.added.indexOf(l) >= 0 && !isOther(d.l, k)) { return t + " \u2605 new"; }
      if (marks.gone.indexOf(l) >= 0 && !isOther(d.l, k)) { return t + " \u2205 missing"; }
      return t;
    });
    // Category labels may repeat once escaped and marked; keep the axis one slot per bar.
    var x = [];
    for (i = 0; i < labels.length; i++) { x.push(i); }
    function trace(side, counts, color, pattern) {
      return {
        type: "bar", name: side, x: x, y: shares(counts),
        marker: { color: color, line: { width: 0 }, pattern: { shape: pattern } },
        customdata: labels.map(function (l, k) { return [l, counts[k]]; }),
        hovertemplate: "%{customdata[0]}<br>share %{y:.2%} (%{customdata[1]} rows)<extra>" + side + "</extra>"
      };
    }
    var layout = base.layout;
    layout.barmode = "group";
    layout.bargap = 0.25;
    layout.xaxis = { type: "linear", tickmode: "array", tickvals: x, ticktext: labels, automargin: true,
      gridcolor: base.grid, zeroline: false, range: [-0.6, labels.length - 0.4] };
    layout.yaxis = { tickformat: ".0%", title: { text: "share of rows" }, gridcolor: base.grid, rangemode: "tozero" };
    Plotly.newPlot(target, [trace("reference", d.r, base.ref, ""), trace("current", d.c, base.cur, "/")], layout, base.config);
  }
  function draw(target, d) {
    var base = {
      ref: cssVar("--ref", "#4c78a8"), cur: cssVar("--cur", "#e8710a"), grid: cssVar("--grid", "#e4e7eb"),
      layout: {
        height: 300, margin: { l: 60, r: 10, t: 28, b: 50 },
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
        font: { color: cssVar("--fg", "#1f2328"), size: 12 },
        legend: { orientation: "h", x: 0, y: 1.14 }
      },
      config: { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] }
    };
    if (d.t === "histogram" && d.e && (d.e.length === d.r.length + 1 || d.e.length === 2) &&
        d.e.every(function (v) { return typeof v === "number"; })) {
      drawHistogram(target, d, base);
    } else if (d.l) {
      drawBars(target, d, base);
    }
  }

  // ------------------------------------------------------------------ plotly.js, on demand
  // The bundle sits in a non-executing text/plain script element; evaluating it costs about a
  // second, so it runs the first time a figure is needed, never at load.
  function loadPlotly() {
    if (typeof Plotly !== "undefined") { return true; }
    var src = document.getElementById("plotly-src");
    if (!src) { return false; }
    var s = document.createElement("script");
    s.textContent = src.textContent;
    src.parentNode.removeChild(src);
    document.head.appendChild(s);  // inline script: runs synchronously, in global scope
    return typeof Plotly !== "undefined";
  }

  // A pointer over a table (or focus in one) means a drill-down may follow: evaluate
  // plotly.js then, in its own task, rather than after the click.
  var warmed = false;
  function prewarm(ev) {
    var t = ev.target;
    if (warmed || !t || !t.closest || !t.closest(".ctable, table.heat, details.chart")) { return; }
    warmed = true;
    setTimeout(loadPlotly, 0);
  }
  document.addEventListener("pointerover", prewarm, { passive: true });
  document.addEventListener("focusin", prewarm);

  // ------------------------------------------------------------------ drill-down
  function build(row) {
    var spec = rowsData[row.id], body = row.querySelector(".body");
    if (!spec || !body || row.getAttribute("data-built")) { return; }
    row.setAttribute("data-built", "1");
    var facts = el("div", "facts");
    if (spec.s && spec.s.length) {
      var stats = spec.s.map(function (r) { return [summaryLabels[r[0]] || "", r[1], r[2]]; });
      facts.appendChild(kvTable("Summary statistics", ["", "reference", "current"], stats));
    }
    // The row's own cells first (test, statistic, p-value, threshold, verdict), then the extras.
    var details = [], cells = [["test", "test"], ["statistic", "statistic"], ["p-value", "pvalue"], ["threshold", "threshold"]];
    cells.forEach(function (c) {
      var cell = row.querySelector('summary [data-k="' + c[1] + '"]');
      var text = cell && cell.firstChild ? (cell.firstChild.textContent || "").trim() : "";
      if (text) { details.push([c[0], text]); }
    });
    details.push(["verdict", row.getAttribute("data-st")]);
    details = details.concat(spec.x || []);
    facts.appendChild(kvTable("Test details", null, details));
    body.appendChild(facts);
    var fig = el("div", "fig");
    body.appendChild(fig);
    if (!spec.d) {
      fig.appendChild(el("p", "muted", "No distribution to plot for this column."));
      return;
    }
    if (spec.d.l) {
      var m = categoryMarks(spec.d);
      if (m.added.length) { fig.appendChild(el("p", "marks", "\u2605 New in current (absent from reference): " + m.added.join(", "))); }
      if (m.gone.length) { fig.appendChild(el("p", "marks", "\u2205 Missing in current (present in reference): " + m.gone.join(", "))); }
    }
    var plot = el("div", "plot");
    plot.setAttribute("role", "img");
    plot.setAttribute("aria-label", spec.d.l ? "category shares, reference and current" :
      "histogram on shared bins and ECDF, reference and current");
    fig.appendChild(plot);
    if (!loadPlotly()) { fig.appendChild(el("p", "muted", "Plot unavailable: plotly.js did not load.")); return; }
    try { draw(plot, spec.d); } catch (err) { fig.appendChild(el("p", "muted", "Plot failed: " + err)); }
  }
  // toggle does not bubble: one capturing listener serves every row, at no cost per row.
  document.addEventListener("toggle", function (ev) {
    var t = ev.target;
    if (t && t.classList && t.classList.contains("row") && t.open) { build(t); }
  }, true);

  // ------------------------------------------------------------------ section charts
  // Sections' charts: pre-aggregated series in the blob (data.windows, data.concept, ...),
  // drawn when their <details class="chart"> opens.
  function chartBase(height) {
    return {
      ref: cssVar("--ref", "#4c78a8"), cur: cssVar("--cur", "#e8710a"), grid: cssVar("--grid", "#e4e7eb"),
      drift: cssVar("--drift", "#c62828"), warn: cssVar("--error", "#9a6700"), fg: cssVar("--fg", "#1f2328"),
      muted: cssVar("--muted", "#59636e"), ok: cssVar("--ok", "#1a7f37"),
      note: cssVar("--note", "#6639ba"), series: cssVar("--series", "#8796a8"),
      layout: {
        height: height, margin: { l: 64, r: 16, t: 28, b: 60 },
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
        font: { color: cssVar("--fg", "#1f2328"), size: 12 },
        legend: { orientation: "h", x: 0, y: 1.16 }, showlegend: true
      },
      config: { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] }
    };
  }
  function hline(y, color, dash, yref) {
    return { type: "line", xref: "paper", x0: 0, x1: 1, yref: yref || "y", y0: y, y1: y,
      line: { color: color, width: 1.5, dash: dash || "dash" } };
  }
  function catAxis(base, labels) {
    return { type: "category", categoryorder: "array", categoryarray: labels, gridcolor: base.grid,
      automargin: true, title: { text: "window" } };
  }
  function windowLabels(w) { return w.x.map(plotText); }

  // Each section's script (driftcli/sections/<name>/section.js, inlined after this one)
  // registers its chart functions here by the name in its <details data-chart="...">.
  var CHARTS = {};
  function drawChart(det) {
    var draw = CHARTS[det.getAttribute("data-chart")];
    if (!draw || det.getAttribute("data-drawn")) { return; }
    det.setAttribute("data-drawn", "1");
    if (!loadPlotly()) { det.appendChild(el("p", "muted", "Plot unavailable: plotly.js did not load.")); return; }
    try { draw(det, det.querySelectorAll(".plot")); } catch (err) { det.appendChild(el("p", "muted", "Plot failed: " + err)); }
  }
  document.addEventListener("toggle", function (ev) {
    var t = ev.target;
    if (t && t.classList && t.classList.contains("chart") && t.open) { drawChart(t); }
  }, true);

  // ------------------------------------------------------------------ lazy tables
  // Segment tables arrive as data (ids in data.tables, each row's summary line in rows[id].h)
  // and become rows, the same markup as the server-rendered ones, when first opened.
  var SVGNS = "http://www.w3.org/2000/svg";
  function span(cls, text, key) {
    var s = el("span", cls, text);
    if (key) { s.setAttribute("data-k", key); }
    return s;
  }
  function sparkSvg(spec) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 " + spec[0] + " 20");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    [["sr", spec[1]], ["sc", spec[2]]].forEach(function (p) {
      var path = document.createElementNS(SVGNS, "path");
      path.setAttribute("class", p[0]);
      path.setAttribute("d", p[1]);
      svg.appendChild(path);
    });
    return svg;
  }
  function rowElement(id, h) {
    // h: status, icon, column, kind, kind_source, test, statistic, pvalue, adjusted,
    //    threshold, score, reason, sparkline [width, area, line] or null
    var d = el("details", "row"), sm = el("summary");
    d.id = id;
    d.setAttribute("data-st", h[0]);
    var st = span("st st-" + h[0]);
    var icon = el("span", null, h[1]);
    icon.setAttribute("aria-hidden", "true");
    st.appendChild(icon);
    st.appendChild(document.createTextNode(" " + h[0]));
    sm.appendChild(st);
    var name = span("wrap", null, "column");
    name.appendChild(el("strong", null, h[2]));
    sm.appendChild(name);
    var kind = span(null, h[3], "kind");
    if (h[4] === "config") {
      kind.appendChild(document.createTextNode(" "));
      var c = el("span", "muted", "(config)");
      c.title = "set in config";
      kind.appendChild(c);
    }
    sm.appendChild(kind);
    sm.appendChild(span("wrap", h[5], "test"));
    sm.appendChild(span("num", h[6], "statistic"));
    var p = span("num", h[7], "pvalue");
    if (h[8]) {
      var adj = el("span", "adj", "adj " + h[8]);
      adj.title = "adjusted p-value";
      p.appendChild(adj);
    }
    sm.appendChild(p);
    sm.appendChild(span("num", h[9], "threshold"));
    sm.appendChild(span("num", h[10]));
    var sp = el("span");
    if (h[12]) { sp.appendChild(sparkSvg(h[12])); }
    sm.appendChild(sp);
    sm.appendChild(span("wrap muted reason", h[11], "reason"));
    d.appendChild(sm);
    d.appendChild(el("div", "body"));
    return d;
  }
  function buildTable(holder) {
    var key = holder.getAttribute("data-lazy");
    if (!key) { return; }
    holder.removeAttribute("data-lazy");
    var ids = (data.tables || {})[key] || [], frag = document.createDocumentFragment();
    ids.forEach(function (id) {
      if (rowsData[id] && rowsData[id].h) { frag.appendChild(rowElement(id, rowsData[id].h)); }
    });
    holder.appendChild(frag);
  }
  function buildLazyIn(scope) {
    var holders = scope.querySelectorAll(".rows[data-lazy]");
    for (var i = 0; i < holders.length; i++) { buildTable(holders[i]); }
  }
  document.addEventListener("toggle", function (ev) {
    var t = ev.target;
    if (t && t.classList && t.classList.contains("segment") && t.open) { buildLazyIn(t); }
  }, true);

  // ------------------------------------------------------------------ sort and filter
  function tableOf(elm) {
    var ct = elm.closest(".ctable");
    if (ct) { return ct; }
    var tb = elm.closest(".toolbar");
    return tb ? tb.nextElementSibling : null;
  }
  function rowList(ct) { return Array.prototype.slice.call(ct.querySelector(".rows").children); }
  function textKey(row, k) {
    var c = row.querySelector('[data-k="' + k + '"]');
    return c ? c.textContent.trim().toLowerCase() : "";
  }
  function sortTable(ct, key, dir) {
    var rows = rowList(ct), sign = dir === "ascending" ? 1 : -1;
    var keyed = rows.map(function (r, i) {
      var v;
      if (key === "status") {
        var s = rowsData[r.id] ? rowsData[r.id].v[3] : null;
        // descending = drifted first, strongest first (the report's own order)
        v = [-(STATUS_ORDER[r.getAttribute("data-st")] || 0), s === null ? -Infinity : s];
      } else if (key in NUM_KEYS) {
        var n = rowsData[r.id] ? rowsData[r.id].v[NUM_KEYS[key]] : null;
        v = n === null || n === undefined ? null : [n];
      } else {
        var tx = textKey(r, key);
        v = tx === "" ? null : [tx];
      }
      return { r: r, v: v, i: i };
    });
    keyed.sort(function (a, b) {
      if (a.v === null || b.v === null) { return a.v === b.v ? a.i - b.i : (a.v === null ? 1 : -1); }
      for (var k = 0; k < a.v.length; k++) {
        if (a.v[k] < b.v[k]) { return -sign; }
        if (a.v[k] > b.v[k]) { return sign; }
      }
      return a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k.r); });
    ct.querySelector(".rows").appendChild(frag);
    var heads = ct.querySelectorAll(".head [data-key]");
    for (var h = 0; h < heads.length; h++) {
      if (heads[h].getAttribute("data-key") === key) { heads[h].setAttribute("aria-sort", dir); }
      else { heads[h].removeAttribute("aria-sort"); }
    }
  }
  function filterTable(ct) {
    var bar = ct.previousElementSibling;
    if (!bar || !bar.classList.contains("toolbar")) { return; }
    var q = bar.querySelector(".tb-search").value.trim().toLowerCase();
    var allowed = {};
    var boxes = bar.querySelectorAll(".tb-status");
    for (var b = 0; b < boxes.length; b++) { allowed[boxes[b].value] = boxes[b].checked; }
    var rows = rowList(ct), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r._text === undefined) {
        r._text = [textKey(r, "column"), textKey(r, "kind"), textKey(r, "test")].join("\n");
      }
      var ok = allowed[r.getAttribute("data-st")] !== false && (q === "" || r._text.indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    ct.classList.toggle("all-hidden", shown === 0);
    bar.querySelector(".shown").textContent = shown + " of " + rows.length + " columns";
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!t || !t.closest) { return; }
    var btn = t.closest(".ctable .head button");
    if (btn) {
      var cell = btn.parentNode, key = cell.getAttribute("data-key");
      var cur = cell.getAttribute("aria-sort");
      var numeric = key in NUM_KEYS || key === "status";
      var dir = cur ? (cur === "ascending" ? "descending" : "ascending") : (numeric ? "descending" : "ascending");
      sortTable(tableOf(btn), key, dir);
      return;
    }
    var go = t.closest("a[data-go]");
    if (go) {
      var id = go.getAttribute("href").slice(1);
      if (reveal(id)) { ev.preventDefault(); history.replaceState(null, "", "#" + id); }
    }
  });
  document.addEventListener("input", function (ev) {
    var t = ev.target;
    if (t && t.classList && (t.classList.contains("tb-search") || t.classList.contains("tb-status"))) {
      var ct = tableOf(t);
      if (ct) { filterTable(ct); }
    }
  });

  // ------------------------------------------------------------------ navigation
  function reveal(id) {
    var m = /^s(\d+)c\d+$/.exec(id);
    if (m && !document.getElementById(id)) {
      var seg = document.getElementById("seg" + m[1]);
      if (seg) { buildLazyIn(seg); }
    }
    var target = document.getElementById(id);
    if (!target) { return false; }
    if (target.hidden) { target.hidden = false; }
    for (var p = target; p; p = p.parentElement) {
      if (p.tagName === "DETAILS" && !p.open) { p.open = true; }
    }
    if (target.classList.contains("row")) { build(target); }
    target.scrollIntoView({ block: "start" });
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
    var s = target.querySelector("summary");
    if (s) { s.focus({ preventScroll: true }); }
    return true;
  }
  if (location.hash.length > 1) {
    try { reveal(decodeURIComponent(location.hash.slice(1))); } catch (err) { /* not one of ours */ }
  }
  root.setAttribute("data-ready", "1");
  if (window.performance && performance.mark) { performance.mark("drift-ready"); }
  // The helpers section scripts use (see driftcli/sections/*/section.js).
  window.driftcli = {
    data: data, charts: CHARTS, el: el, fmt: fmt, plotText: plotText,
    chartBase: chartBase, hline: hline, catAxis: catAxis, windowLabels: windowLabels
  };
})();
