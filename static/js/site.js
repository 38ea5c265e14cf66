/* Theme toggle. The initial theme is set by the inline script in <head> before paint. */
(function () {
  var root = document.documentElement;
  var button = document.querySelector(".theme-toggle");
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try { return localStorage.getItem("theme"); } catch (e) { return null; }
  }

  function apply(theme, remember) {
    root.dataset.theme = theme;
    if (button) button.setAttribute("aria-pressed", String(theme === "dark"));
    if (remember) {
      try { localStorage.setItem("theme", theme); } catch (e) { /* private mode */ }
    }
  }

  apply(root.dataset.theme === "dark" ? "dark" : "light", false);
  if (button) {
    button.addEventListener("click", function () {
      apply(root.dataset.theme === "dark" ? "light" : "dark", true);
    });
  }
  /* Follow the OS while the reader has not picked a theme. */
  if (media.addEventListener) {
    media.addEventListener("change", function (event) {
      var choice = stored();
      if (choice !== "dark" && choice !== "light") apply(event.matches ? "dark" : "light", false);
    });
  }
})();
