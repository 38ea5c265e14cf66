// The curator's studio (issue 14): entry point and router. The address hash is the route:
//   #/                              the inbox (inbox.js)
//   #/thread/<id>                   the thread view (thread.js, comments.js, tags.js)
//   #/thread/<id>?comment=<cid>     the same, with that comment selected and scrolled to
// Other hashes (#main from the skip link) are in-page anchors and change nothing.
// Modules: api.js (requests, the token, one write at a time), dom.js (building nodes from
// untrusted text, the status area), store.js (thread state and `write`), keys.js.

import { pendingWrites } from "./api.js";
import { setupStatus } from "./dom.js";
import { showInbox } from "./inbox.js";
import { setupKeys } from "./keys.js";
import { T } from "./store.js";
import { leaveThread, refreshQuietly, showThread } from "./thread.js";

const main = document.getElementById("main");
let current = null;  // "inbox" | "thread"

function parse(hash) {
  const found = /^#\/thread\/(\d+)\/?(?:\?(.*))?$/.exec(hash);
  if (found) {
    const comment = new URLSearchParams(found[2] ?? "").get("comment");
    return { name: "thread", id: Number(found[1]), comment: /^\d+$/.test(comment ?? "") ? Number(comment) : null };
  }
  if (hash === "" || hash === "#" || hash.startsWith("#/")) return { name: "inbox" };
  return null;  // an in-page anchor
}

function route() {
  const target = parse(location.hash);
  if (!target) return;
  document.body.dataset.route = target.name;
  if (target.name === "thread") {
    current = "thread";
    showThread(main, target.id, target.comment);
    return;
  }
  if (current === "thread") leaveThread();
  current = "inbox";
  window.scrollTo(0, 0);
  showInbox(main);
}

setupStatus();
setupKeys(() => current);
window.addEventListener("hashchange", route);

// A tab the curator comes back to may show a file that changed meanwhile: read it again
// (only when nothing is being typed or saved).
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && current === "thread") refreshQuietly();
});

// Leaving with a save in flight or an open editor holding new text would lose it.
window.addEventListener("beforeunload", (event) => {
  const c = T.editing && T.byId.get(T.editing.id);
  if (pendingWrites() || (c && T.editing.text !== (c.ja ?? ""))) event.preventDefault();
});

route();
