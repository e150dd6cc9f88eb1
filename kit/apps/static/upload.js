// The kit's upload button: a file over its limit is refused here, before anything is read or sent;
// a file within it goes to the kernel in chunks (one binary buffer per message), so no message nears
// the server's websocket limit and the page never drops. Refusal texts are written by Python (`status`).
const CHUNK_BYTES = 4 * 1024 * 1024;

function limitFor(limits, name) {
  const lowered = name.toLowerCase();
  let best = "";
  for (const ext of Object.keys(limits)) {
    if (ext && lowered.endsWith(ext) && ext.length > best.length) best = ext;
  }
  return limits[best] ?? limits[""] ?? Infinity;
}

function render({ model, el }) {
  el.classList.add("kit-upload-widget");
  const input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button widget-upload";
  button.style.width = "auto"; // the whole label, never "Importer un…"
  button.style.maxWidth = "none";
  const icon = document.createElement("i");
  icon.className = "fa fa-upload";
  const text = document.createTextNode("");
  button.append(icon, text);
  const status = document.createElement("div");
  status.setAttribute("role", "status");
  el.append(input, button, status);

  function paint() {
    text.textContent = model.get("description");
    button.title = model.get("description");
    input.accept = model.get("accept");
    const line = model.get("status");
    status.textContent = line;
    status.className = line ? `kit-msg kit-msg-${model.get("status_kind") || "info"} kit-upload-status` : "";
  }

  async function send(file) {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    model.send({ kind: "start", id, name: file.name, size: file.size, type: file.type,
                 last_modified: file.lastModified });
    try {
      for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
        const buffer = await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer();
        model.send({ kind: "chunk", id }, undefined, [buffer]);
      }
      model.send({ kind: "end", id });
    } catch (error) {
      model.send({ kind: "failed", id, name: file.name });
    }
  }

  button.addEventListener("click", (event) => {
    event.preventDefault();
    input.value = ""; // the same file can be chosen again
    input.click();
  });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    if (file.size > limitFor(model.get("max_bytes"), file.name)) {
      model.send({ kind: "refused", name: file.name, size: file.size });
      return;
    }
    button.disabled = true;
    try {
      await send(file);
    } finally {
      button.disabled = false;
    }
  });
  model.on("change:description change:accept change:status change:status_kind", paint);
  paint();
}

export default { render };
