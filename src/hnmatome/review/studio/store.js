// The thread view's state, and the one way to change the thread file: `write`.
// The server's answer (the new thread view) always replaces the state; nothing is
// changed locally first, so the page never shows something the file does not hold.

import { postJSON, serial } from "./api.js";
import { el, say, sayError } from "./dom.js";

export const T = {
  id: null,          // the thread on screen
  view: null,        // the last thread view the server gave (GET, or a write's answer)
  byId: new Map(),   // comment id → comment of `view`
  selected: null,    // the selected comment id
  editing: null,     // {id, text, base, saving}: the open Japanese editor (text survives reloads)
  filter: "all",     // which comments the list shows
  busy: new Set(),   // comment ids being translated again
  working: new Set(),// thread-level actions running ("publish", "fetch", "missing")
  refused: null,     // the errors of a refused publish (422), shown until the next view
  pane: false,       // the preview pane is open
};

let rerender = () => {};

/** thread.js registers how to draw a new state. */
export function onView(fn) {
  rerender = fn;
}

export function apply(view) {
  T.view = view;
  T.byId = new Map((view.comments ?? []).map((c) => [c.id, c]));
  rerender();
}

export const redraw = () => rerender();

/**
 * POST /_studio/api/thread/<id>/<action> with the body `makeBody(digest)` gives, once the
 * writes before it are done (so `digest` is the newest). Returns {ok, status}.
 * `kept`: the curator's text stays in its field on failure (said in the message).
 */
export function write(action, makeBody, { kept = false } = {}) {
  const id = T.id;
  return serial(async () => {
    if (T.id !== id || !T.view) return { ok: false, status: 0 };
    try {
      const view = await postJSON(`/thread/${id}/${action}`, makeBody(T.view.digest));
      if (T.id === id) {
        T.refused = null;
        apply(view);
      }
      return { ok: true, status: 200 };
    } catch (error) {
      if (T.id === id) failed(error, kept);
      else sayError(error);
      return { ok: false, status: error.status };
    }
  });
}

// A 409: someone else (an editor, fetch, translate) changed the file. The answer holds the
// current view: show it, and say whether the curator's text is still in its field.
// A 422: publishing refused; the errors are listed in the checks panel, linked.
function failed(error, kept) {
  if (error.status === 409 && error.body.thread) {
    apply(error.body.thread);
    const note = kept
      ? "入力した文章はそのまま残してあります。確かめてからもう一度保存してください。"
      : "この操作は保存されていません。画面を最新にしたので、もう一度操作してください。";
    say(error.message, { level: "error", hint: error.hint, extra: el("p", { text: note }) });
    return;
  }
  if (error.status === 422) {
    T.refused = (error.body.checks ?? []).filter((c) => c.level === "error");
    rerender();
    const show = () => document.getElementById("checks")?.scrollIntoView({ block: "start" });
    const button = el("button", { type: "button", cls: "link-button", text: "エラーの一覧へ", on: { click: show } });
    say(error.message, { level: "error", hint: error.hint, extra: button });
    return;
  }
  sayError(error);
}
