/* digireform dashboards: swap the precomputed view of the chosen municipality and draw
   the charts of the views that are shown. All figures are already in the page; the key
   figures and tables are plain HTML, so they are painted first: plotly.js (served by
   this server, data-plotly on the page) is loaded only after the first frame, and the
   charts are drawn one per task so the page stays responsive. */
(function () {
  "use strict";

  var queue = [];
  var loading = false;

  function chartsShown() {
    return Array.prototype.slice.call(document.querySelectorAll(".dr-chart")).filter(function (el) {
      return el.offsetParent !== null;
    });
  }

  function drawNext() {
    var el = queue.shift();
    if (!el) { return; }
    if (el.dataset.drawn !== "1") {
      var source = el.querySelector("script.dr-fig");
      if (source) {
        var fig = JSON.parse(source.textContent);
        el.dataset.drawn = "1";
        window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
      }
    } else if (el.offsetParent !== null) {
      window.Plotly.Plots.resize(el);
    }
    window.setTimeout(drawNext, 0);
  }

  function drawShown() {
    queue = chartsShown();
    if (window.Plotly) { drawNext(); return; }
    if (loading || queue.length === 0) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = document.querySelector("[data-plotly]").dataset.plotly;
    script.onload = drawNext;
    document.head.appendChild(script);
  }

  function choose(value) {
    document.querySelectorAll(".dr-view").forEach(function (el) {
      el.classList.toggle("dr-active", el.dataset.view === value);
    });
  }

  function start() {
    var select = document.querySelector("select[data-selector]");
    if (select) {
      var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));
      if (/^[0-9a-z]+$/.test(wanted) && select.querySelector('option[value="' + wanted + '"]')) {
        select.value = wanted;
      }
      select.addEventListener("change", function () {
        window.history.replaceState(null, "", "#" + select.value);
        choose(select.value);
        drawShown();
      });
      choose(select.value);
    }
    /* after the first frame: the key figures are on screen before any chart work starts */
    window.requestAnimationFrame(function () { window.setTimeout(drawShown, 0); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
