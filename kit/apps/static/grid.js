function render({ model, el }) {
  const table = document.createElement("table");
  table.className = "kit-grid-table";
  el.classList.add("kit-grid");
  el.appendChild(table);
  const key = (r, c) => r + "|" + c;
  let inputs = [];

  // The table is rebuilt only when its shape changes; saved values and errors are painted into the
  // existing inputs, so a cell being typed in is never replaced under the user's fingers.
  function build() {
    const rows = model.get("rows"), cols = model.get("columns");
    const disabled = new Set(model.get("disabled_cells"));
    const short = model.get("short_headers");
    table.replaceChildren();
    inputs = [];
    const head = table.insertRow();
    const corner = document.createElement("th");
    corner.textContent = model.get("corner");
    head.appendChild(corner);
    cols.forEach((c, j) => {
      const th = document.createElement("th");
      th.textContent = short ? String(j + 1) : c.label;
      th.title = c.label;
      th.className = "kit-grid-col";
      head.appendChild(th);
    });
    rows.forEach((r, i) => {
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.textContent = (short ? (i + 1) + ". " : "") + r.label;
      th.title = r.label;
      th.className = "kit-grid-row";
      tr.appendChild(th);
      cols.forEach((c, j) => {
        const input = document.createElement("input");
        input.dataset.r = r.id; input.dataset.c = c.id;
        input.dataset.key = key(r.id, c.id);
        input.dataset.hint = model.get("cell_hint").replace("{row}", r.label).replace("{col}", c.label);
        input.disabled = disabled.has(input.dataset.key);
        input.addEventListener("change", () => send(input));
        input.addEventListener("keydown", (e) => move(e, i, j));
        input.addEventListener("paste", (e) => paste(e, input));
        tr.insertCell().appendChild(input);
        inputs.push(input);
      });
    });
    paint(true);
  }

  function paint(all) {
    const values = model.get("values"), errors = model.get("errors");
    const unrated = model.get("unrated"), zero = model.get("zero_text");
    for (const input of inputs) {
      const k = input.dataset.key;
      if (all || input !== document.activeElement) input.value = input.dataset.sent = values[k] ?? "";
      input.title = errors[k] || input.dataset.hint;
      input.setAttribute("aria-label", input.title);
      input.placeholder = unrated && !input.disabled ? "·" : "";
      // A rated 0 is muted, a cell nobody rated has a pale background: the two never look alike.
      const saved = values[k] ?? "";
      input.className = "kit-grid-cell" + (errors[k] ? " kit-grid-error" : "") +
        (unrated && !input.disabled && saved === "" ? " kit-grid-unrated" : "") +
        (zero && saved === zero ? " kit-grid-zero" : "");
    }
  }

  // A block copied from a spreadsheet (cells separated by tabs, lines by line breaks) goes to Python whole,
  // from this cell; a single value is pasted as usual.
  function paste(e, input) {
    if (!model.get("pasting")) return;
    const text = (e.clipboardData || window.clipboardData).getData("text");
    const body = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    if (!/[\t\n]/.test(body)) return;
    e.preventDefault();
    model.send({ kind: "paste", row: input.dataset.r, col: input.dataset.c,
                 block: body.split("\n").map((line) => line.split("\t")) });
  }

  function send(input) {
    if (input.value === input.dataset.sent) return;  // Enter then blur must not send twice
    input.dataset.sent = input.value;
    const v = input.value.trim();
    const allowed = model.get("choices").map((x) => x.toUpperCase());
    if (allowed.length && v !== "" && !allowed.includes(v.toUpperCase())) {
      input.classList.add("kit-grid-error");
      input.title = model.get("choice_error").replace("{value}", v);
    }
    // A message per edit, not a synced trait: quick successive edits would be merged into the last.
    model.send({ kind: "edit", row: input.dataset.r, col: input.dataset.c, value: v });
  }

  function move(e, i, j) {
    const steps = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [0, 1] };
    if (e.key === "ArrowLeft" && e.target.selectionStart === 0) steps.ArrowLeft = [0, -1];
    if (e.key === "ArrowRight" && e.target.selectionEnd === e.target.value.length) steps.ArrowRight = [0, 1];
    const step = steps[e.key];
    if (!step) return;
    e.preventDefault();
    send(e.target);  // also on the last cell, where no next cell takes the focus
    const nCols = model.get("columns").length;
    let index = (i + step[0]) * nCols + (j + step[1]);
    if (e.key === "Enter" && j + 1 >= nCols) index = (i + 1) * nCols;  // Enter wraps to the next row
    while (inputs[index] && inputs[index].disabled) index += step[0] ? step[0] * nCols : 1;
    if (inputs[index]) { inputs[index].focus(); inputs[index].select(); }
  }

  build();
  for (const name of ["rows", "columns", "disabled_cells"]) model.on("change:" + name, build);
  for (const name of ["unrated", "zero_text"]) model.on("change:" + name, () => paint(false));
  model.on("change:values", () => paint(false));
  model.on("change:errors", () => paint(false));
}
export default { render };
