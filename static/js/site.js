/* hnmatome reader script (deferred; the page works without it).
   Theme toggle, search (Pagefind, loaded only when the search opens), the "/" shortcut,
   copy-link, back-to-top and the reading-progress bar. */
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
  var dialog = document.getElementById("search");
  var opener = document.querySelector(".search-open");
  var PAGE = 8;

  if (dialog && dialog.showModal) {
    var input = dialog.querySelector(".search-input");
    var status = dialog.querySelector(".search-status");
    var list = dialog.querySelector(".search-results");
    var more = dialog.querySelector(".search-more");
    var engine = null;
    var found = [];
    var shown = 0;
    var latest = 0;

    var loadEngine = function () {
      if (!engine) {
        var bundle = dialog.getAttribute("data-bundle");
        engine = import(bundle + "pagefind.js").then(function (pagefind) {
          return pagefind.options({ excerptLength: 40 }).then(function () {
            pagefind.init();
            return pagefind;
          });
        });
        engine.catch(function () { engine = null; });
      }
      return engine;
    };

    /* Pagefind's excerpt is HTML with <mark> around matches. Only text and <mark> are kept:
       the markup is parsed inert (a <template> never runs scripts or loads images). */
    var excerptNode = function (html) {
      var holder = document.createElement("template");
      holder.innerHTML = html;
      var out = document.createElement("span");
      out.className = "search-excerpt";
      holder.content.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          out.appendChild(mark);
        } else {
          out.appendChild(document.createTextNode(node.textContent));
        }
      });
      return out;
    };

    var resultItem = function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      var title = document.createElement("span");
      title.className = "search-title";
      title.textContent = (data.meta && data.meta.title) || data.url;
      link.appendChild(title);
      if (data.meta && data.meta.date) {
        var date = document.createElement("span");
        date.className = "search-date";
        date.textContent = data.meta.date;
        link.appendChild(date);
      }
      link.appendChild(excerptNode(data.excerpt || ""));
      item.appendChild(link);
      return item;
    };

    var showMore = function (ticket) {
      var batch = found.slice(shown, shown + PAGE);
      shown += batch.length;
      more.hidden = shown >= found.length;
      return Promise.all(batch.map(function (result) { return result.data(); }))
        .then(function (rows) {
          if (ticket !== latest) return;
          rows.forEach(function (data) { list.appendChild(resultItem(data)); });
        });
    };

    var runSearch = function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        found = []; shown = 0; list.textContent = ""; more.hidden = true; status.textContent = "";
        return;
      }
      status.textContent = "検索しています…";
      loadEngine().then(function (pagefind) {
        return pagefind.debouncedSearch(query, {}, 200);
      }).then(function (search) {
        if (!search || ticket !== latest) return;
        found = search.results; shown = 0; list.textContent = "";
        status.textContent = found.length
          ? "「" + query + "」の検索結果: " + found.length + "件"
          : "「" + query + "」に一致する記事は見つかりませんでした";
        return showMore(ticket);
      }).catch(function () {
        if (ticket === latest) status.textContent = "検索は現在利用できません（検索インデックスが見つかりません）";
      });
    };

    var openSearch = function (query) {
      if (!dialog.open) dialog.showModal();
      if (typeof query === "string") input.value = query;
      input.focus();
      input.select();
      loadEngine();
      if (input.value.trim()) runSearch();
    };

    if (opener) opener.addEventListener("click", function () { openSearch(); });
    input.addEventListener("input", runSearch);
    more.addEventListener("click", function () { showMore(latest); });
    dialog.querySelector(".search-close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
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
