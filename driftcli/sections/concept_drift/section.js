/* Concept drift charts of the HTML report. Inlined after templates/assets/report.js by
   driftcli/outputs/html.py; uses the helpers report.js puts on window.driftcli. */
(function (d) {
  "use strict";
  var data = d.data, el = d.el, fmt = d.fmt, plotText = d.plotText, chartBase = d.chartBase;
  var hline = d.hline, catAxis = d.catAxis, windowLabels = d.windowLabels;

  function drawConcept(det, plots) {
    var s = (data.concept || {})[det.getAttribute("data-key")];
    if (!s) { return; }
    var base = chartBase(300), layout = base.layout, time = s.axis === "time";
    layout.xaxis = { type: time ? "date" : "linear", gridcolor: base.grid,
      hoverformat: time ? "%Y-%m-%d %H:%M:%S" : undefined,
      title: { text: time ? "time (start of each bin)" : "row in the time-ordered stream" } };
    // change points in the colour of their severity: red only when they fail the run
    var hit = det.getAttribute("data-sev") === "fail" ? base.drift : base.warn;
    layout.yaxis = { gridcolor: base.grid, rangemode: "tozero", title: { text: "mean error per bin" } };
    layout.shapes = [];
    layout.annotations = [];
    function marks(list, color, dash, prefix) {
      list.forEach(function (p) {
        layout.shapes.push({ type: "line", xref: "x", x0: p[0], x1: p[0], yref: "paper", y0: 0, y1: 1,
          line: { color: color, width: 1.5, dash: dash } });
        layout.annotations.push({ x: p[0], xref: "x", y: 1, yref: "paper", yanchor: "bottom", showarrow: false,
          text: prefix + plotText(p[1]), font: { size: 10, color: color }, textangle: -30 });
      });
    }
    marks(s.w, base.muted, "dot", "warning: ");
    marks(s.cp, hit, "solid", "");
    var traces = [{
      type: "scatter", mode: "lines+markers", name: "mean error", x: s.x, y: s.y, customdata: s.n,
      line: { color: base.series, shape: "hv" }, marker: { size: s.x.length > 40 ? 3 : 5 },
      hovertemplate: "%{x}<br>mean error %{y:.3g}<br>%{customdata} rows<extra></extra>"
    }];
    if (s.cp.length) {
      traces.push({ type: "scatter", mode: "lines", name: "change point", x: [null], y: [null], line: { color: hit } });
    }
    if (s.w.length) {
      traces.push({ type: "scatter", mode: "lines", name: "warning zone", x: [null], y: [null], line: { color: base.muted, dash: "dot" } });
    }
    layout.margin.t = 48;
    layout.legend.y = 1.3;
    Plotly.newPlot(plots[0], traces, layout, base.config);
  }

  d.charts.concept = drawConcept;
})(window.driftcli);
