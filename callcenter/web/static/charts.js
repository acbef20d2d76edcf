// Evaluation page: draws each figure from the JSON the server embedded (no inline scripts).
"use strict";
(function () {
  if (!window.Plotly) { return; }
  document.querySelectorAll("script.figure-data").forEach(function (node) {
    const figure = JSON.parse(node.textContent);
    const target = document.getElementById(node.dataset.target);
    const config = { responsive: true, displaylogo: false };
    window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, config);
  });
})();
