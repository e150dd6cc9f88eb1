function render({ model, el }) {
  el.style.display = "none";
  model.send({ kind: "rendered" });
}
export default { render };
