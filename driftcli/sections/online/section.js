/* Online metrics charts of the HTML report. Inlined after templates/assets/report.js by
   driftcli/outputs/html.py; uses the helpers report.js puts on window.driftcli. */
(function (d) {
  "use strict";
  var data = d.data, el = d.el, fmt = d.fmt, plotText = d.plotText, chartBase = d.chartBase;
  var hline = d.hline, catAxis = d.catAxis, windowLabels = d.windowLabels;

  function drawOnline(det, plots) {
    var o = data.online || {}, x = o.x.map(plotText), panels = [], base = chartBase(0);
    // plain series colours: red is for a failed limit, which the cards and the table say
    if (o.has_latency) { panels.push(["p95", "p95 latency (" + plotText(o.unit) + ")", base.series, "scatter", ""]); }
    if (o.has_errors) { panels.push(["err", "error rate", base.series, "scatter", ".1%"]); }
    panels.push(["rows", "rows", base.series, "bar", ""]);
    var limits = o.limits || {};
    var layout = base.layout, n = panels.length, gap = 0.08, h = (1 - gap * (n - 1)) / n, traces = [];
    layout.height = 170 * n + 80;
    layout.shapes = [];
    layout.annotations = [];
    layout.showlegend = false;
    panels.forEach(function (p, i) {
      var ax = i ? String(i + 1) : "", top = 1 - i * (h + gap);
      layout["yaxis" + ax] = { domain: [top - h, top], gridcolor: base.grid, rangemode: "tozero",
        title: { text: p[1], font: { size: 11 } }, tickformat: p[4] };
      layout["xaxis" + ax] = { type: "category", categoryorder: "array", categoryarray: x, anchor: "y" + ax,
        gridcolor: base.grid, showticklabels: i === n - 1, matches: i ? "x" : undefined, automargin: true };
      traces.push({ type: p[3], mode: p[3] === "scatter" ? "lines+markers" : undefined, x: x, y: o[p[0]],
        xaxis: "x" + ax, yaxis: "y" + ax, connectgaps: false, name: p[1],
        marker: { color: p[2] }, line: p[3] === "scatter" ? { color: p[2] } : undefined,
        hovertemplate: "%{x}<br>" + p[1] + " %{y" + (p[4] ? ":" + p[4] : ":.4g") + "}<extra></extra>" });
      if (typeof limits[p[0]] === "number") {
        layout.shapes.push(hline(limits[p[0]], base.muted, "dash", "y" + ax));
        layout.annotations.push({ xref: "paper", x: 1, xanchor: "right", yref: "y" + ax, y: limits[p[0]],
          yanchor: "bottom", showarrow: false, text: "limit", font: { size: 10, color: base.muted } });
      }
    });
    Plotly.newPlot(plots[0], traces, layout, base.config);
  }

  d.charts.online = drawOnline;
})(window.driftcli);
