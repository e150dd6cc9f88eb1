function render({ model, el }) {
  el.classList.add("kit-entry");
  const input = document.createElement("input");
  input.type = "text";
  input.className = "kit-entry-input";
  const count = document.createElement("div");
  count.className = "kit-count";
  count.setAttribute("aria-live", "polite");
  el.append(input, count);
  const number = (n) => n.toLocaleString("fr-FR");

  function counted() {
    const limit = model.get("max_length"), n = input.value.trim().length;
    count.textContent = number(n) + " / " + number(limit) + " caractères" + (n > limit ? " : trop long" : "");
    count.classList.toggle("kit-count-over", n > limit);
  }
  function looks() {
    input.placeholder = model.get("placeholder");
    input.setAttribute("aria-label", model.get("placeholder"));
    input.style.width = model.get("width");
  }
  // Typed since the text last went to the kernel: a value the kernel sends meanwhile (the box emptied after
  // the previous entry, arriving late) must not wipe what the person is typing.
  let typed = false;
  function save() {
    typed = false;
    if (input.value !== model.get("value")) { model.set("value", input.value); model.save_changes(); }
  }

  input.value = model.get("value");
  input.addEventListener("input", () => { typed = true; counted(); });
  input.addEventListener("change", save);
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing) return;
    e.preventDefault();
    typed = false;
    // The text travels with the Enter: nothing typed can arrive after it.
    model.send({ kind: "submit", value: input.value });
  });
  model.on("change:value", () => {
    if (typed && document.activeElement === input) return;  // sent when the person leaves the box or presses Enter
    if (input.value !== model.get("value")) { input.value = model.get("value"); counted(); }
  });
  model.on("change:placeholder", looks);
  model.on("change:width", looks);
  model.on("change:max_length", counted);
  model.on("msg:custom", (message) => { if (message && message.kind === "focus") input.focus(); });
  looks();
  counted();
}
export default { render };
