function render({ model, el }) {
  el.style.display = "none";
  if (window.__kitPlotly) return;
  window.__kitPlotly = new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([model.get("source")], { type: "text/javascript" }));
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.Plotly);
    script.onerror = reject;
    document.head.appendChild(script);
  });
}
export default { render };
