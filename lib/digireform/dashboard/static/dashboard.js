/* digireform dashboards: swap the precomputed view of the chosen municipality and draw
   the charts of the views that are shown. All data is already in the page; nothing is
   fetched except plotly's (empty, local) base map. */
(function () {
  "use strict";

  function chartsIn(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".dr-chart"));
  }

  function draw(el) {
    if (el.dataset.drawn === "1" || typeof window.Plotly === "undefined") { return; }
    var source = el.querySelector("script.dr-fig");
    if (!source) { return; }
    var fig = JSON.parse(source.textContent);
    el.dataset.drawn = "1";
    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
  }

  function drawVisible() {
    chartsIn(document).forEach(function (el) {
      if (el.offsetParent !== null) { draw(el); }
    });
  }

  function choose(value) {
    document.querySelectorAll(".dr-view").forEach(function (el) {
      el.classList.toggle("dr-active", el.dataset.view === value);
    });
    drawVisible();
    chartsIn(document).forEach(function (el) {
      if (el.offsetParent !== null && el.dataset.drawn === "1") { window.Plotly.Plots.resize(el); }
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
      });
      choose(select.value);
    } else {
      drawVisible();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
