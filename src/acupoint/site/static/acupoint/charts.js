// Renders every Vega-Lite spec embedded in the page with json_script; no network needed.
document.querySelectorAll("[data-chart]").forEach((element) => {
  const spec = JSON.parse(document.getElementById(element.dataset.chart).textContent);
  window.vegaEmbed(element, spec, { actions: false, renderer: "svg" })
    .then(() => element.setAttribute("data-rendered", "true"))
    .catch((error) => { element.textContent = String(error); });
});
