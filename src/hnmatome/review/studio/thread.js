// The thread view (#/thread/<id>): the header (title, tags, date, limits, publish,
// preview), the checks panel, then the comment tree (comments.js). The skeleton is built
// once per thread; a new view updates it in place, so a field being typed in keeps its
// text and focus while other saves come back.

import { getJSON, pendingWrites } from "./api.js";
import {
  clear, el, formatTime, outLink, problemCounts, safeHref, say, sayError, statePill,
} from "./dom.js";
import { T, apply, onView, write } from "./store.js";
import { commentFilter, renderComments, selectComment } from "./comments.js";
import { tagEditor } from "./tags.js";

const LIMITS = [
  ["max_comments", "最大コメント数"], ["max_replies", "返信の上限"],
  ["min_score", "最低スコア"], ["highlight_score", "ハイライトのスコア"],
];
let ui = null;  // the skeleton's nodes that a new view updates

export async function showThread(main, id, commentId) {
  if (T.id === id && T.view && ui?.root.isConnected) {
    if (commentId != null) selectComment(commentId, { scroll: "center", focus: true, filter: true });
    return;
  }
  Object.assign(T, { id, view: null, selected: commentId, editing: null, refused: null });
  T.busy.clear();
  T.working.clear();
  clear(main).append(el("p", { cls: "empty", text: "読み込み中…" }));
  try {
    const view = await getJSON(`/thread/${id}`);
    if (T.id !== id) return;
    ui = skeleton(main);
    apply(view);
    if (commentId != null) selectComment(commentId, { scroll: "center", focus: true, filter: true });
  } catch (error) {
    clear(main).append(el("p", { cls: "empty" }, [
      "このスレッドを開けませんでした。", el("a", { href: "#/", text: "受信箱に戻る" })]));
    sayError(error);
  }
}

export function leaveThread() {
  T.id = null;
  ui = null;
  clear(document.getElementById("topbar-thread"));
}

/** Reads the thread again when the tab comes back into view, unless something is being
 *  typed or saved: fewer stale saves after the file was edited elsewhere. */
export async function refreshQuietly() {
  if (!T.view || T.editing || pendingWrites() || ui?.root.querySelector("[data-dirty]")) return;
  const id = T.id;
  try {
    const view = await getJSON(`/thread/${id}`);
    if (T.id === id && view.digest !== T.view.digest && !T.editing && !pendingWrites()) apply(view);
  } catch {
    // the next action will say what is wrong
  }
}

onView(() => {
  if (!ui?.root.isConnected) return;
  renderHeader();
  renderChecks();
  renderComments(ui.list);
  renderPane();
});

// ------------------------------------------------------------------ skeleton

function skeleton(main) {
  const u = {};
  u.titleJa = el("input", { type: "text", id: "title-ja", cls: "title-input", lang: "ja", autocomplete: "off" });
  u.date = el("input", { type: "date", id: "post-date" });
  u.limits = Object.fromEntries(LIMITS.map(([key]) => [key, el("input", {
    type: "number", id: `limit-${key}`, min: "0", step: "1", attrs: { inputmode: "numeric" },
  })]));
  u.limitNotes = Object.fromEntries(LIMITS.map(([key]) => [key, el("span", { cls: "field-note" })]));
  u.dateNote = el("span", { cls: "field-note" });
  u.limitsSummary = el("summary");
  u.tags = tagEditor();
  u.en = el("p", { cls: "t-en" });
  u.meta = el("p", { cls: "t-meta" });
  u.story = el("div", { cls: "t-story" });
  u.state = el("span");
  u.file = el("code", { cls: "t-file" });
  u.counts = el("p", { cls: "t-counts" });
  u.actions = el("div", { cls: "t-actions" });
  u.checks = el("section", { cls: "checks", id: "checks", attrs: { "aria-labelledby": "checks-title" } });
  u.list = el("ol", { cls: "comments", attrs: { "aria-label": "コメント" } });
  u.pane = el("aside", { cls: "pane", attrs: { "aria-label": "プレビュー" }, hidden: true });

  field(u.titleJa, "title_ja", (v) => v.trim());
  field(u.date, "date", parseDate);
  for (const [key] of LIMITS) field(u.limits[key], key, parseLimit);

  const head = el("section", { cls: "t-head", attrs: { "aria-label": "スレッド" } }, [
    el("div", { cls: "t-crumbs" }, [el("a", { href: "#/", text: "← 受信箱" }), u.state, u.file]),
    u.en, u.meta, u.story,
    el("div", { cls: "field field-title" }, [
      el("label", { htmlFor: "title-ja", text: "タイトル（日本語）" }), u.titleJa]),
    el("div", { cls: "field field-tags" }, [el("span", { cls: "field-label", id: "tags-label", text: "タグ" }), u.tags.node]),
    el("div", { cls: "t-fields" }, [
      el("div", { cls: "field" }, [el("label", { htmlFor: "post-date", text: "日付" }), u.date, u.dateNote])]),
    // the limits are seldom changed: folded, with their values in the summary
    u.limitsBox = el("details", { cls: "t-limits" }, [u.limitsSummary, el("div", { cls: "t-fields" },
      LIMITS.map(([key, label]) => el("div", { cls: "field" }, [
        el("label", { htmlFor: `limit-${key}`, text: label }), u.limits[key], u.limitNotes[key]])))]),
    u.counts, u.actions,
  ]);
  u.main = el("div", { cls: "t-main" }, [head, u.checks,
    el("div", { cls: "c-tools" }, [commentFilter(), el("p", { cls: "c-hint on-touch", text: "コメントをタップすると操作ボタンが出ます。" })]),
    u.list]);
  u.root = el("div", { cls: "thread" }, [u.main, u.pane]);
  clear(main).append(u.root);
  return u;
}

// ------------------------------------------------------------------ header fields
// A field saves on Enter, on leaving it (change) or when a picker changes it. Its text is
// "dirty" from the first keystroke until the server took it; a dirty or saving field is
// never overwritten by a new view, so a refused save (409) leaves the text to save again.

function field(input, key, parse) {
  input.addEventListener("input", () => { input.dataset.dirty = "1"; });
  const commit = () => { if (input.dataset.dirty) commitField(input, key, parse); };
  input.addEventListener("change", commit);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) { event.preventDefault(); commit(); }
    if (event.key === "Escape" && input.dataset.dirty) { delete input.dataset.dirty; renderHeader(); }
  });
}

async function commitField(input, key, parse) {
  let value;
  try {
    value = parse(input.value);
  } catch (problem) {
    say(problem.message, { level: "error" });
    return;
  }
  delete input.dataset.dirty;
  if (value === currentValue(key)) return renderHeader();
  input.dataset.saving = "1";
  const result = await write("save", (base) => ({ base, thread: { [key]: value } }), { kept: true });
  delete input.dataset.saving;
  if (result.ok) say("保存しました", { level: "ok" });
  else input.dataset.dirty = "1";
  renderHeader();
}

function currentValue(key) {
  const view = T.view;
  if (key in view.limits) return view.limits[key].value;
  return view[key] ?? (key === "title_ja" ? "" : null);
}

function parseDate(text) {
  const value = text.trim();
  if (!value) return null;
  if (!/^\d{4}-\d\d-\d\d/.test(value)) throw new Error("日付は 2025-02-10 の形で入れてください");
  return value;
}

function parseLimit(text) {
  const value = text.trim();
  if (!value) return null;
  if (!/^\d+$/.test(value)) throw new Error("上限とスコアは 0 以上の整数で入れてください（空なら設定の値）");
  return Number(value);
}

/** Sets a field from the view unless the curator's text is in it. */
function setField(input, value) {
  if (input.dataset.dirty || input.dataset.saving) return;
  input.value = value ?? "";
}

// ------------------------------------------------------------------ header

function renderHeader() {
  const view = T.view;
  document.title = `${view.title_ja || view.title || view.id} | hnmatome スタジオ`;
  ui.state.replaceWith(ui.state = statePill(view.state));
  ui.file.textContent = view.file;
  clear(ui.en).append(view.url ? outLink(view.url, view.title || view.url) : view.title);
  ui.en.lang = "en";
  ui.en.dir = "auto";
  clear(ui.meta).append(
    el("bdi", { text: view.by || "" }), view.time ? ` · ${formatTime(view.time)}` : "", " · ",
    outLink(view.hn_url, "HN の元スレッド ↗"));
  renderStory(view.text);
  setField(ui.titleJa, view.title_ja);
  ui.titleJa.placeholder = "（未翻訳）";
  // A date the picker cannot show (a time of day, say) is edited as text.
  const plain = view.date == null || /^\d{4}-\d\d-\d\d$/.test(view.date);
  if (ui.date.type !== (plain ? "date" : "text") && !ui.date.dataset.dirty) ui.date.type = plain ? "date" : "text";
  setField(ui.date, view.date);
  ui.dateNote.textContent = view.date == null
    ? `空なら HN の投稿日${view.time ? `（${formatTime(view.time).slice(0, 10)}）` : ""}` : "HN の投稿日の代わりに使います";
  for (const [key] of LIMITS) {
    const { value, effective } = view.limits[key];
    setField(ui.limits[key], value);
    ui.limits[key].placeholder = `設定: ${effective}`;
    ui.limitNotes[key].textContent = value == null ? "設定の値を使用" : `設定を上書き（現在 ${effective}）`;
  }
  const overridden = LIMITS.some(([key]) => view.limits[key].value != null);
  ui.limitsSummary.textContent = `コメントの上限とスコア: ${LIMITS.map(([key]) => view.limits[key].effective).join(" / ")}`
    + (overridden ? "（このスレッドで上書き）" : "（設定の値）");
  if (overridden && !ui.limitsBox.dataset.seen) ui.limitsBox.open = true;
  ui.limitsBox.dataset.seen = "1";
  ui.tags.update(view);
  renderCounts(view);
  renderActions(view);
  renderTopbar(view);
}

function renderStory(text) {
  clear(ui.story);
  if (!text) return;
  ui.story.append(el("details", {}, [el("summary", { text: "投稿の本文" }),
    el("p", { cls: "c-text", lang: "en", dir: "auto", text })]));
}

function renderCounts(view) {
  const errors = view.checks.filter((c) => c.level === "error").length;
  clear(ui.counts).append(
    el("span", { text: `表示 ${view.counts.shown}/${view.counts.total}` }),
    el("span", { text: `翻訳 ${view.counts.translated}/${view.counts.total}` }),
    problemCounts(errors, view.checks.length - errors));
}

function renderActions(view) {
  const running = (what) => T.working.has(what);
  const action = (what, label, busyLabel, cls, run, extra = {}) => el("button", {
    type: "button", cls: `button ${cls}`, text: running(what) ? busyLabel : label,
    disabled: running(what) || extra.disabled, title: extra.title,
    on: { click: () => threadAction(what, run) },
  });
  const publish = view.draft
    ? action("publish", "公開する", "公開しています…", "", () => write("publish", (base) => ({ base, draft: false })))
    : action("publish", "下書きに戻す", "戻しています…", "quiet", () => write("publish", (base) => ({ base, draft: true })));
  const missing = view.counts.translated < view.counts.total || !view.title_ja;
  clear(ui.actions).append(
    publish,
    view.preview ? outLink(view.preview, "プレビュー ↗", "button quiet") : el("span", { cls: "muted", text: "まだ記事がありません" }),
    view.preview ? el("button", {
      type: "button", cls: "button quiet on-wide", text: T.pane ? "プレビューを閉じる" : "横にプレビュー",
      attrs: { "aria-pressed": String(T.pane), "aria-keyshortcuts": "p" }, on: { click: togglePane },
    }) : null,
    missing ? action("missing", "未翻訳を翻訳", "翻訳しています…", "quiet",
      () => write("translate", (base) => ({ base, missing: true })),
      { disabled: !view.can_translate, title: view.can_translate ? "" : "LLM が設定されていません" }) : null,
    action("fetch", "HN から再取得", "取得しています…", "quiet", () => write("fetch", () => ({}))),
  );
}

async function threadAction(what, run) {
  T.working.add(what);
  renderActions(T.view);
  const result = await run();
  T.working.delete(what);
  if (T.view) renderActions(T.view);
  if (result.ok) say("完了しました", { level: "ok" });
}

function renderTopbar(view) {
  clear(document.getElementById("topbar-thread")).append(
    el("span", { cls: "topbar-title", text: view.title_ja || view.title || `#${view.id}` }),
    el("span", { cls: "topbar-count", text: `${view.counts.shown}/${view.counts.total}` }));
}

// ------------------------------------------------------------------ checks

function renderChecks() {
  const view = T.view;
  const errors = view.checks.filter((c) => c.level === "error").length;
  clear(ui.checks).append(el("h2", { id: "checks-title", cls: "section-title" }, [
    "チェック ", problemCounts(errors, view.checks.length - errors)]));
  if (T.refused?.length) {
    ui.checks.append(el("div", { cls: "refused", attrs: { role: "alert" } }, [
      el("p", { text: "公開できませんでした。次のエラーを直してください。" }),
      el("ul", { cls: "check-list" }, T.refused.map(checkItem))]));
  }
  if (!view.checks.length) {
    ui.checks.append(el("p", { cls: "muted", text: "問題は見つかりませんでした。" }));
    return;
  }
  ui.checks.append(el("ul", { cls: "check-list" }, view.checks.map(checkItem)));
}

function checkItem(check) {
  const where = check.comment_id != null
    ? el("a", {
      href: `#/thread/${T.id}?comment=${check.comment_id}`, text: `コメント #${check.comment_id}`,
      on: { click: (event) => { event.preventDefault(); selectComment(check.comment_id, { scroll: "center", focus: true, filter: true }); } },
    })
    : el("span", { cls: "muted", text: check.field ? `（${check.field}）` : "（スレッド）" });
  return el("li", { cls: `check level-${check.level}` }, [
    el("span", { cls: `badge badge-${check.level}`, text: check.level === "error" ? "エラー" : "警告" }),
    " ", where, " ", el("span", { cls: "check-message", text: check.message }),
    check.hint ? el("span", { cls: "check-hint", text: check.hint }) : null,
  ]);
}

// ------------------------------------------------------------------ preview pane
// The served post in an iframe beside the comments (wide screens); live reload refreshes
// it after each save. On narrow screens `p` opens it in another tab instead.

export function togglePane() {
  if (!T.view?.preview) return say("まだ記事がありません（convert の後にプレビューできます）");
  if (!matchMedia("(min-width: 70rem)").matches) {
    window.open(T.view.preview, "_blank", "noopener");
    return;
  }
  T.pane = !T.pane;
  renderPane();
  renderActions(T.view);
}

function renderPane() {
  const url = T.view.preview;
  const open = T.pane && !!url;
  ui.pane.hidden = !open;
  ui.root.classList.toggle("with-pane", open);
  if (!open) return clear(ui.pane);
  const frame = ui.pane.querySelector("iframe");
  if (frame && frame.dataset.src === url) return;
  clear(ui.pane).append(el("iframe", { title: "記事のプレビュー", src: safeHref(url), data: { src: url } }));
}
