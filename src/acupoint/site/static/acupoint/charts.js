// Renders every Vega-Lite spec embedded in the page with json_script; no network needed.
// Content that HTMX swaps in (a filtered list) is drawn the same way.
function drawCharts(root) {
  root.querySelectorAll("[data-chart]:not([data-rendered])").forEach((element) => {
    const spec = JSON.parse(document.getElementById(element.dataset.chart).textContent);
    // As the Content-Security-Policy requires: no eval (ast + the expression interpreter) and
    // no injected style sheet (embed and tooltip styles live in app.css).
    window.vegaEmbed(element, spec, { actions: false, renderer: "svg", ast: true,
                                      defaultStyle: false,
                                      tooltip: { disableDefaultStyle: true } })
      .then(() => element.setAttribute("data-rendered", "true"))
      .catch((error) => { element.textContent = String(error); });
  });
}
drawCharts(document);
document.body.addEventListener("htmx:afterSettle", () => drawCharts(document));
