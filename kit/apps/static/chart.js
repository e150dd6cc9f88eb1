async function plotly() {
  while (!window.__kitPlotly) await new Promise((r) => setTimeout(r, 30));
  return window.__kitPlotly;
}
async function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "kit-chart";
  el.appendChild(box);
  const Plotly = await plotly();
  const config = { displaylogo: false, responsive: true,
                   modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] };
  const draw = () => {
    const figure = model.get("figure");
    Plotly.react(box, figure.data || [], figure.layout || {}, config);
  };
  draw();
  model.on("change:figure", draw);
  return () => Plotly.purge(box);
}
export default { render };
