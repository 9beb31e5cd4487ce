/* Drift over time charts of the HTML report. Inlined after templates/assets/report.js by
   driftcli/outputs/html.py; uses the helpers report.js puts on window.driftcli. */
(function (d) {
  "use strict";
  var data = d.data, el = d.el, fmt = d.fmt, plotText = d.plotText, chartBase = d.chartBase;
  var hline = d.hline, catAxis = d.catAxis, windowLabels = d.windowLabels;

  function drawShare(det, plots) {
    var w = data.windows || {}, base = chartBase(300), x = windowLabels(w);
    var layout = base.layout;
    layout.xaxis = catAxis(base, x);
    layout.yaxis = { tickformat: ".0%", rangemode: "tozero", gridcolor: base.grid, title: { text: "dataset drift share" } };
    layout.shapes = [];
    // Windows are the neutral series colour; only those above the rule's share are highlighted,
    // in the rule's outcome colour (red only when the rule fails).
    var hl = base[w.hl || "note"] || base.note, ex = w.ex || [];
    var traces = [{
      type: "bar", name: "drift share", x: x, y: w.share, showlegend: false,
      marker: { color: w.share.map(function (v, i) { return ex.indexOf(i) >= 0 ? hl : base.series; }) },
      customdata: w.rows, hovertemplate: "%{x}<br>drift share %{y:.1%}<br>%{customdata} rows<extra></extra>"
    }];
    traces.push({ type: "bar", name: "window", x: [null], y: [null], marker: { color: base.series } });
    if (ex.length) {
      traces.push({ type: "bar", name: "above max_drift_share", x: [null], y: [null], marker: { color: hl } });
    }
    if (typeof w.max_share === "number") {
      layout.shapes.push(hline(w.max_share, base.muted));
      traces.push({ type: "scatter", mode: "lines", name: "max_drift_share " + fmt(w.max_share * 100) + "%",
        x: [null], y: [null], line: { color: base.muted, dash: "dash" } });
    }
    Plotly.newPlot(plots[0], traces, layout, base.config);
    if (plots[1] && w.metric) {
      var b2 = chartBase(280), l2 = b2.layout, m = plotText(w.metric);
      l2.xaxis = catAxis(b2, x);
      l2.yaxis = { gridcolor: b2.grid, title: { text: m } };
      var t2 = [{ type: "scatter", mode: "lines+markers", name: m + " per window", x: x, y: w.perf,
        connectgaps: false, line: { color: b2.cur }, hovertemplate: "%{x}<br>" + m + " %{y:.4g}<extra></extra>" }];
      if (typeof w.perf_ref === "number") {
        l2.shapes = [hline(w.perf_ref, b2.ref)];
        t2.push({ type: "scatter", mode: "lines", name: "reference " + fmt(w.perf_ref), x: [null], y: [null],
          line: { color: b2.ref, dash: "dash" } });
      }
      Plotly.newPlot(plots[1], t2, l2, b2.config);
    }
  }

  function drawColumn(plot, idx) {
    var w = data.windows || {}, c = (w.cols || [])[idx];
    if (!c) { return; }
    var base = chartBase(320), x = windowLabels(w), isP = c[1] === "p", thr = c[2], vals = c[3];
    var layout = base.layout, name = plotText(c[0]);
    layout.xaxis = catAxis(base, x);
    layout.yaxis = isP ? { type: "log", gridcolor: base.grid, title: { text: "p-value (log)" }, exponentformat: "e" }
      : { gridcolor: base.grid, rangemode: "tozero", title: { text: "statistic" } };
    layout.title = { text: name, font: { size: 13 }, x: 0.5 };
    var hits = c[6] || [];  // the engine's verdicts, not recomputed here
    // a column's drift in one window is reported, not a breach: the note colour, not red
    var colors = vals.map(function (v, i) { return hits.indexOf(i) >= 0 ? base.note : base.series; });
    var traces = [{
      type: "scatter", mode: "lines+markers", name: isP ? "p-value" : "statistic", x: x, y: vals,
      connectgaps: false, line: { color: base.series }, marker: { color: colors, size: 7 },
      hovertemplate: "%{x}<br>" + (isP ? "p %{y:.3g}" : "statistic %{y:.4g}") + "<extra>" + name + "</extra>"
    }];
    layout.shapes = [];
    if (typeof thr === "number") {
      layout.shapes.push(hline(thr, base.muted));
      traces.push({ type: "scatter", mode: "lines", name: "threshold " + fmt(thr), x: [null], y: [null],
        line: { color: base.muted, dash: "dash" } });
    } else if (Array.isArray(thr)) {
      traces.push({ type: "scatter", mode: "lines", name: "threshold", x: x, y: thr, connectgaps: false,
        line: { color: base.muted, dash: "dash", shape: "hvh" } });
    }
    Plotly.react(plot, traces, layout, base.config);
  }
  function drawColumns(det, plots) {
    var pick = det.querySelector(".wcol-pick");
    drawColumn(plots[0], pick ? Number(pick.value) : 0);
  }

  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t || !t.classList || !t.classList.contains("wcol-pick")) { return; }
    var det = t.closest("details.chart");
    if (det && det.getAttribute("data-drawn")) { drawColumn(det.querySelector(".plot"), Number(t.value)); }
    else if (det) { det.open = true; }
  });

  d.charts.wshare = drawShare;
  d.charts.wcol = drawColumns;
})(window.driftcli);
