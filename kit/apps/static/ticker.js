// A hidden widget that tells the kernel every `every_ms` milliseconds that the page is still shown: the
// projected app then looks whether the room sent something (a stat of a file) and redraws only if so.
// Ticks stop with the page; a tab in the background is slowed down by the browser, which is fine.
function render({ model, el }) {
  el.style.display = "none";
  const timer = setInterval(() => model.send({ kind: "tick" }), model.get("every_ms") || 1000);
  return () => clearInterval(timer);
}
export default { render };
