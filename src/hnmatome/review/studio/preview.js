/* hnmatome serve: edit links from the preview into the studio (served pages only, like the
   live-reload script). The server loads this with
     <script src="/_studio/preview.js" data-thread="<id>" data-comments="<cid>,<cid>,…" defer>
   on posts made from a thread; data-comments lists the shown comments in page order, so the
   n-th article.mq card is the n-th id. Adds a small ✎ to the post title (h1) and to each card.
   Styles are set through the CSSOM (no inline style attribute, no stylesheet to load), small
   and muted so the page keeps its layout. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector('script[src*="/_studio/preview.js"]');
  if (!me || !/^\d+$/.test(me.dataset.thread || "")) return;
  var thread = me.dataset.thread;
  var ids = (me.dataset.comments || "").split(",").map(function (s) { return s.trim(); })
    .filter(function (s) { return /^\d+$/.test(s); });

  /* Inside the studio's preview pane the link drives the studio page itself (a change of its
     hash, no reload); in a tab of its own it opens, and then reuses, one studio tab. */
  function target() {
    try {
      if (window.parent !== window && window.parent.location.pathname.indexOf("/_studio/") === 0) {
        return "_parent";
      }
    } catch (e) { /* another origin framed us: treat it as a tab of its own */ }
    return "hnmatome-studio";
  }

  function editLink(comment, what) {
    var a = document.createElement("a");
    a.href = "/_studio/#/thread/" + thread + (comment ? "?comment=" + comment : "");
    a.target = target();
    a.className = "hnmatome-edit";
    a.textContent = "✎";
    a.setAttribute("aria-label", "スタジオで編集");
    a.title = "スタジオで" + what + "を編集";
    var s = a.style;
    s.setProperty("font-size", "0.75rem");
    s.setProperty("font-weight", "400");
    s.setProperty("line-height", "1");
    s.setProperty("text-decoration", "none");
    s.setProperty("color", "var(--muted, #777)");
    s.setProperty("opacity", "0.55");
    s.setProperty("padding", "0.15em 0.3em");
    s.setProperty("border-radius", "4px");
    s.setProperty("vertical-align", "middle");
    var bright = function () { s.setProperty("opacity", "1"); };
    var dim = function () { s.setProperty("opacity", "0.55"); };
    a.addEventListener("mouseenter", bright);
    a.addEventListener("focus", bright);
    a.addEventListener("mouseleave", dim);
    a.addEventListener("blur", dim);
    return a;
  }

  function addToTitle() {
    var h1 = document.querySelector("h1.post-title") || document.querySelector("main h1, h1");
    if (!h1) return;
    var link = editLink(null, "タイトルとタグ");
    link.style.setProperty("margin-left", "0.4em");
    h1.appendChild(link);
  }

  function addToCards() {
    var cards = document.querySelectorAll("article.mq");
    if (cards.length !== ids.length && window.console) {
      console.warn("hnmatome studio: " + cards.length + " comment cards but " + ids.length +
        " ids; edit links follow the page order as far as both go");
    }
    for (var i = 0; i < cards.length && i < ids.length; i++) {
      var link = editLink(ids[i], "コメント #" + ids[i]);
      link.style.setProperty("margin-left", "auto");
      var head = cards[i].querySelector(".mq-h");
      (head || cards[i]).appendChild(link);
    }
  }

  function run() {
    addToTitle();
    addToCards();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
