// The keyboard: one listener for the whole page. Keys are ignored while the curator types
// in a field (the Japanese editor handles its own Enter and Esc), while an IME composes,
// with Ctrl/Alt/Cmd (the browser's own shortcuts), and Space/Enter on a focused button or
// link do what they natively do. The help dialog (?) lists the same map.

import {
  cancelEdit, move, nextProblem, paletteColor, retranslate, selected, setColor, startEdit,
  toggleReviewed, toggleShown,
} from "./comments.js";
import { inboxKey } from "./inbox.js";
import { togglePane } from "./thread.js";

/** What each key does on a comment; `c` is the selected comment. */
const COMMENT_KEYS = {
  " ": (c) => toggleShown(c),
  0: (c) => setColor(c, ""),
  a: (c) => setColor(c, null),
  e: (c) => startEdit(c),
  r: (c) => toggleReviewed(c),
  t: (c) => retranslate(c),
};
for (let n = 1; n <= 6; n += 1) COMMENT_KEYS[n] = (c) => { if (paletteColor(n)) setColor(c, paletteColor(n)); };

const THREAD_KEYS = {
  j: () => move(1),
  k: () => move(-1),
  n: () => nextProblem(),
  p: () => togglePane(),
  u: () => { location.hash = "#/"; },
  Escape: () => cancelEdit(),
};

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null);
}

function threadKey(event) {
  const action = THREAD_KEYS[event.key];
  if (action) { action(); return true; }
  const onComment = COMMENT_KEYS[event.key];
  const c = selected();
  if (onComment && c) { onComment(c); return true; }
  if (onComment) { move(1); return true; }  // nothing selected yet: select the first
  return false;
}

export function setupKeys(currentRoute) {
  const help = document.getElementById("help");
  const openHelp = () => { if (!help.open) help.showModal(); };
  document.getElementById("help-open").addEventListener("click", openHelp);
  document.getElementById("help-close").addEventListener("click", () => help.close());

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (help.open || typing(event.target)) return;
    const native = event.target instanceof HTMLElement && event.target.closest("button, a, summary");
    if (native && (event.key === " " || event.key === "Enter")) return;
    if (event.key === "?") { event.preventDefault(); openHelp(); return; }
    const route = currentRoute();
    const used = route === "thread" ? threadKey(event) : route === "inbox" && inboxKey(event);
    if (used) event.preventDefault();
  });
}
