// Keeps the page address's ?espace= on the workspace chosen in the app, without reloading the page:
// a reload, a bookmark or a copied address then opens the same workspace. Only in a Voilà page (its body
// carries data-voila): in JupyterLab the address is JupyterLab's own, and its router is left alone. It
// also tells the kernel the page's origin.
function render({ model, el }) {
  el.style.display = "none";
  // Where the browser reached this page (https://hub.example.org): « Atelier en direct » on a JupyterHub
  // gives the phones an address on that same site.
  if (model.get("origin") !== window.location.origin) {
    model.set("origin", window.location.origin);
    model.save_changes();
  }
  if (!document.body || !document.body.hasAttribute("data-voila")) {
    return;
  }
  const apply = () => {
    const url = new URL(window.location.href);
    const id = model.get("espace");
    if (id) {
      url.searchParams.set("espace", id);
    } else {
      url.searchParams.delete("espace");
    }
    if (url.href !== window.location.href) {
      window.history.replaceState(window.history.state, "", url.href);
    }
  };
  model.on("change:espace", apply);
  apply();
  return () => model.off("change:espace", apply);
}
export default { render };
