// The browser's date box, laid out as ipywidgets' DatePicker, that tells the kernel when it holds a
// date it cannot read (31/02, a year half typed): DatePicker sends "no date" then, and the typo is lost
// without a word. `value` is "YYYY-MM-DD" or null; `unreadable` says why it is null.
let counter = 0;

function render({ model, el }) {
  el.classList.add("jupyter-widgets", "widget-inline-hbox", "widget-datepicker", "kit-date-input");
  const label = document.createElement("label");
  label.className = "widget-label";
  const input = document.createElement("input");
  input.type = "date";
  input.id = label.htmlFor = `kit-date-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  el.append(label, input);

  function paint() {
    const description = model.get("description");
    label.textContent = description;
    label.title = description;
    label.style.display = description ? "" : "none";
    input.disabled = model.get("disabled");
    const value = model.get("value") || "";
    // An unreadable date stays in the box for the person to correct; anything else shows the value.
    if (!(model.get("unreadable") && !value) && input.value !== value) input.value = value;
  }

  function read() {
    const unreadable = input.validity.badInput;
    const value = unreadable ? null : input.value || null;
    if (value === model.get("value") && unreadable === model.get("unreadable")) return;
    model.set({ value, unreadable });
    model.save_changes();
  }

  input.addEventListener("change", read);
  input.addEventListener("focusout", read);
  model.on("change:value change:unreadable change:description change:disabled", paint);
  paint();
  return () => model.off("change:value change:unreadable change:description change:disabled", paint);
}

export default { render };
