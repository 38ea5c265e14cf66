/* hnmatome reader script (deferred; the page works without it).
   Theme toggle, the search dialog and its "/" shortcut (the search code itself, js/search.js,
   and Pagefind load only when it opens), copy-link, closing folds from their end, back-to-top
   and the reading-progress bar. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* ------------------------------------------------------------ theme */
  /* The initial theme is set by the inline script in <head> before paint. */
  var toggle = document.querySelector(".theme-toggle");
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try { return localStorage.getItem("theme"); } catch (e) { return null; }
  }

  function applyTheme(theme, remember) {
    root.dataset.theme = theme;
    if (toggle) toggle.setAttribute("aria-pressed", String(theme === "dark"));
    if (remember) {
      try { localStorage.setItem("theme", theme); } catch (e) { /* private mode */ }
    }
  }

  applyTheme(root.dataset.theme === "dark" ? "dark" : "light", false);
  if (toggle) {
    toggle.addEventListener("click", function () {
      applyTheme(root.dataset.theme === "dark" ? "light" : "dark", true);
    });
  }
  /* Follow the OS while the reader has not picked a theme. */
  if (media.addEventListener) {
    media.addEventListener("change", function (event) {
      var choice = stored();
      if (choice !== "dark" && choice !== "light") applyTheme(event.matches ? "dark" : "light", false);
    });
  }

  /* ------------------------------------------------------------ search */
  /* The dialog is in the page; its code (js/search.js) and Pagefind load when it first opens. */
  var dialog = document.getElementById("search");
  var opener = document.querySelector(".search-open");

  if (dialog && dialog.showModal) {
    var input = dialog.querySelector(".search-input");
    var runner = null;

    var start = function () {
      if (!runner) {
        runner = import(dialog.getAttribute("data-script")).then(function (module) {
          return module.startSearch(dialog);
        });
        runner.catch(function () {
          runner = null;
          dialog.querySelector(".search-status").textContent = "検索は現在利用できません";
        });
      }
      return runner;
    };

    var openSearch = function (query) {
      if (!dialog.open) dialog.showModal();
      if (typeof query === "string") input.value = query;
      input.focus();
      input.select();
      start().then(function (run) { if (input.value.trim()) run(); });
    };

    if (opener) opener.addEventListener("click", function () { openSearch(); });
    dialog.querySelector(".search-close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var first = dialog.querySelector(".search-results a");
      if (first) first.click();
    });
    /* A click on the backdrop (outside the box) closes the dialog. */
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
      var target = event.target;
      if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      event.preventDefault();
      openSearch();
    });
    /* /?q=word opens the search with that query (the WebSite SearchAction in the JSON-LD). */
    var asked = new URLSearchParams(location.search).get("q");
    if (asked) openSearch(asked);
  }

  /* ------------------------------------------------------------ copy link */
  var copy = document.querySelector(".share-copy");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.getAttribute("data-url")).then(function () {
        var label = copy.textContent;
        copy.textContent = "コピーしました";
        setTimeout(function () { copy.textContent = label; }, 2000);
      });
    });
  }

  /* ------------------------------------------------------------ folds */
  /* The close button at the end of an open fold (templates/shortcodes/details.html) closes it
     and brings its summary back into view, where the reader opened it. */
  Array.prototype.forEach.call(document.querySelectorAll("details.fold"), function (fold) {
    var close = fold.querySelector(".fold-close");
    var summary = fold.querySelector("summary");
    if (!close || !summary || close.parentNode !== fold) return;
    close.hidden = false;
    close.addEventListener("click", function () {
      fold.open = false;
      summary.scrollIntoView({ block: "start", behavior: "instant" });
      summary.focus({ preventScroll: true });
    });
  });

  /* ------------------------------------------------------------ back to top, progress */
  var top = document.querySelector(".to-top");
  var article = document.querySelector("article[data-progress]");
  var bar = null;
  if (article) {
    var track = document.createElement("div");
    track.className = "progress";
    track.setAttribute("aria-hidden", "true");
    bar = document.createElement("span");
    track.appendChild(bar);
    document.body.appendChild(track);
  }
  var pending = false;
  var onScroll = function () {
    pending = false;
    var y = window.scrollY;
    if (top) top.hidden = y < window.innerHeight;
    if (bar) {
      var start = article.offsetTop;
      var span = article.offsetHeight - window.innerHeight;
      var done = span > 0 ? (y - start) / span : 1;
      bar.style.transform = "scaleX(" + Math.min(1, Math.max(0, done)) + ")";
    }
  };
  if (top || bar) {
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; requestAnimationFrame(onScroll); }
    }, { passive: true });
    onScroll();
  }
})();
