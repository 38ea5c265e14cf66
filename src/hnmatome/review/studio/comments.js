// The comment tree: each comment with its original and its Japanese side by side, score,
// colour, whether the post shows it (and why not), marks and problems. The selected
// comment carries the toolbar; every action is a `write` whose answer redraws the list.

import { clear, el, formatTime, outLink, say } from "./dom.js";
import { T, redraw, write } from "./store.js";

const FILTERS = [
  ["all", "すべて", () => true],
  ["shown", "表示", (c) => c.shown],
  ["hidden", "非表示", (c) => !c.shown],
  ["problems", "問題あり", (c) => c.problems.length > 0],
  ["unreviewed", "未確認", (c) => !c.reviewed],
  ["untranslated", "未翻訳", (c) => !c.ja],
];
let list = null;  // the <ol> on screen

const visible = () => {
  const test = FILTERS.find(([name]) => name === T.filter)[2];
  return T.view.comments.filter(test);
};
const nodeOf = (id) => list?.querySelector(`li.c[data-id="${Number(id)}"]`);

// ------------------------------------------------------------------ the list

export function renderComments(node) {
  list = node;
  const hadFocus = document.activeElement === document.body || !document.activeElement
    || list.contains(document.activeElement) || !document.activeElement.isConnected;
  const comments = visible();
  clear(list).append(...comments.map(commentNode));
  if (!comments.length) list.append(el("li", { cls: "empty", text: "この絞り込みに当たるコメントはありません。" }));
  updateFilter();
  const selected = nodeOf(T.selected);
  if (hadFocus && selected) focusNode(selected);
}

function commentNode(c) {
  const selected = c.id === T.selected;
  const cls = ["c", c.shown ? "is-shown" : "is-hidden", selected ? "sel" : "",
    T.busy.has(c.id) ? "busy" : "", c.problems.some((p) => p.level === "error") ? "has-error" : ""];
  const node = el("li", {
    cls: cls.filter(Boolean).join(" "), tabIndex: selected ? 0 : -1, data: { id: c.id },
    vars: { "--depth": String(Math.max(0, c.depth)), "--swatch": c.shown_color || "transparent" },
    attrs: { "aria-current": selected ? "true" : null, "aria-busy": String(T.busy.has(c.id)) },
    on: { click: (event) => clicked(event, c), dblclick: (event) => {
      if (event.target.closest(".c-ja") && !T.editing) startEdit(c);
    } },
  }, [commentHead(c), commentBody(c), problems(c)]);
  if (selected) node.append(toolbar(c));
  return node;
}

function commentHead(c) {
  const color = c.color === null ? "自動" : c.color === "" ? "なし" : "指定";
  return el("header", { cls: "c-head" }, [
    el("span", { cls: `swatch${c.shown_color ? "" : " swatch-none"}`, attrs: {
      role: "img", "aria-label": `色: ${color}${c.shown_color ? `（${c.shown_color}）` : ""}` } }),
    el("bdi", { cls: "c-by", text: c.by || "（名前なし）" }),
    c.time ? el("time", { cls: "c-time", text: formatTime(c.time) }) : null,
    el("span", { cls: "c-score", text: c.score == null ? "スコアなし" : `スコア ${c.score}` }),
    shownState(c),
    c.reviewed ? el("span", { cls: "mark mark-reviewed", text: "✓ 確認済み" }) : null,
    c.edited ? el("span", { cls: "mark mark-edited", text: "✎ 編集済み" }) : null,
    c.dead ? el("span", { cls: "mark mark-dead", text: "dead" }) : null,
    outLink(`https://news.ycombinator.com/item?id=${Number(c.id)}`, `#${c.id}`, "c-id"),
  ]);
}

function shownState(c) {
  if (c.shown) {
    return el("span", { cls: "pill pill-shown", text: c.include === true ? "常に表示" : "表示" });
  }
  return el("span", { cls: "pill pill-hidden" }, [
    "非表示", el("span", { cls: "c-reason", lang: "en", text: c.reason ? `: ${c.reason}` : "" })]);
}

function commentBody(c) {
  const original = el("div", { cls: "c-orig" }, [
    el("span", { cls: "c-label", text: "原文" }),
    c.text ? el("p", { cls: "c-text", lang: "en", dir: "auto", text: c.text })
      : el("p", { cls: "c-text muted", text: "（原文なし）" })]);
  const editing = T.editing?.id === c.id;
  const japanese = el("div", { cls: "c-ja" }, [el("span", { cls: "c-label", text: "日本語" }),
    editing ? editor(c)
      : c.ja ? el("p", { cls: "c-text", lang: "ja", dir: "auto", text: c.ja })
        : el("p", { cls: "c-text muted", text: T.busy.has(c.id) ? "（翻訳しています…）" : "（未翻訳）" })]);
  return el("div", { cls: "c-body" }, [original, japanese]);
}

function problems(c) {
  if (!c.problems.length) return null;
  return el("ul", { cls: "c-problems" }, c.problems.map((p) => el("li", { cls: `level-${p.level}` }, [
    el("span", { cls: `badge badge-${p.level}`, text: p.level === "error" ? "エラー" : "警告" }),
    " ", el("span", { text: p.message })])));
}

function clicked(event, c) {
  if (event.target.closest("button, a, textarea, input, summary")) return;
  if (String(window.getSelection?.() ?? "")) return;  // the curator is selecting text to copy
  if (T.selected !== c.id) selectComment(c.id, { focus: true });
}

// ------------------------------------------------------------------ filter

let filterGroup = null;

export function commentFilter() {
  filterGroup = el("div", { cls: "c-filter", attrs: { role: "group", "aria-label": "コメントの絞り込み" } });
  return filterGroup;
}

function updateFilter() {
  if (!filterGroup) return;
  clear(filterGroup).append(...FILTERS.map(([name, label, test]) => el("button", {
    type: "button", cls: "chip", text: `${label} ${T.view.comments.filter(test).length}`,
    attrs: { "aria-pressed": String(T.filter === name) },
    on: { click: () => { T.filter = name; redraw(); } },
  })));
}

// ------------------------------------------------------------------ selection

/** Selects comment `id`: the toolbar moves to it, it takes the focus, and the address
 *  remembers it (#/thread/<id>?comment=<cid>) without adding a history entry. */
export function selectComment(id, { scroll = "nearest", focus = true, filter = false } = {}) {
  if (!T.byId.has(Number(id))) return say(`コメント #${id} はこのスレッドにありません`, { level: "error" });
  id = Number(id);
  if (filter && !visible().some((c) => c.id === id)) { T.filter = "all"; T.selected = id; redraw(); }
  const before = T.selected;
  T.selected = id;
  if (before !== id) { redrawComment(before); redrawComment(id); }
  const node = nodeOf(id);
  if (!node) return;
  if (focus) focusNode(node);
  if (scroll) node.scrollIntoView({ block: scroll, behavior: "instant" });
  history.replaceState(null, "", `#/thread/${T.id}?comment=${id}`);
}

function focusNode(node) {
  node.focus({ preventScroll: true });
}

function redrawComment(id) {
  const old = nodeOf(id);
  const c = T.byId.get(id);
  if (!old || !c) return;
  const hadFocus = old.contains(document.activeElement);
  const fresh = commentNode(c);
  old.replaceWith(fresh);
  if (hadFocus) (fresh.querySelector("textarea") ?? fresh).focus({ preventScroll: true });
}

/** j/k: the next or previous comment the list shows. */
export function move(step) {
  const comments = visible();
  if (!comments.length) return;
  const at = comments.findIndex((c) => c.id === T.selected);
  const next = at < 0 ? (step > 0 ? 0 : comments.length - 1)
    : Math.max(0, Math.min(comments.length - 1, at + step));
  selectComment(comments[next].id);
}

/** n: the next comment with a problem (wrapping around). */
export function nextProblem() {
  const all = T.view.comments;
  const at = all.findIndex((c) => c.id === T.selected);
  const order = [...all.slice(at + 1), ...all.slice(0, at + 1)];
  const found = order.find((c) => c.problems.length);
  if (found) selectComment(found.id, { scroll: "center", filter: true });
  else say("問題のあるコメントはありません", { level: "ok" });
}

export const selected = () => T.byId.get(T.selected) ?? null;

// ------------------------------------------------------------------ actions

const saveComment = (c, changes, options) =>
  write("save", (base) => ({ base, comments: { [c.id]: changes } }), options);

export function toggleShown(c) {
  return saveComment(c, { include: !c.shown });
}

export function setInclude(c, include) {
  if (c.include !== include) saveComment(c, { include });
}

/** `color`: a palette colour, "" (none) or null (automatic, from the score). */
export function setColor(c, color) {
  if (c.color !== color) saveComment(c, { color });
}

export function paletteColor(n) {
  return T.view.palette[n - 1];
}

export function toggleReviewed(c) {
  return saveComment(c, { reviewed: !c.reviewed });
}

export async function retranslate(c) {
  if (!T.view.can_translate) {
    return say("翻訳に使う LLM が設定されていません", {
      level: "error", hint: "HNMATOME_LLM_BASE_URL と HNMATOME_LLM_MODEL を設定して serve を起動し直してください" });
  }
  if (T.busy.has(c.id)) return;
  T.busy.add(c.id);
  redrawComment(c.id);
  say(`コメント #${c.id} を翻訳しています…`, { sticky: true });
  const result = await write("translate", (base) => ({ base, comment: c.id }));
  T.busy.delete(c.id);
  redrawComment(c.id);
  if (result.ok) say(`コメント #${c.id} を翻訳し直しました`, { level: "ok" });
}

// ------------------------------------------------------------------ the Japanese editor
// The text lives in T.editing (updated on every keystroke), not only in the textarea: a
// new view redraws the list, and the editor comes back with the curator's text. Enter
// saves; Shift+Enter is a newline; Enter that confirms an IME conversion is left alone.

export function startEdit(c) {
  if (T.editing && T.editing.id !== c.id) {
    const other = T.byId.get(T.editing.id);
    if (other && T.editing.text !== (other.ja ?? "")) {
      say(`コメント #${other.id} の編集が途中です。保存するか Esc でやめてください`, { level: "error" });
      return selectComment(other.id, { scroll: "center" });
    }
  }
  T.editing = { id: c.id, text: c.ja ?? "", base: c.ja ?? "", saving: false };
  if (T.selected !== c.id) selectComment(c.id);
  redrawComment(c.id);
  const area = nodeOf(c.id)?.querySelector("textarea");
  if (area) {
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }
}

function editor(c) {
  const editing = T.editing;
  const area = el("textarea", {
    cls: "c-editor", value: editing.text, lang: "ja", readOnly: editing.saving, rows: 3,
    attrs: { "aria-label": `コメント #${c.id} の日本語`, "aria-keyshortcuts": "Enter Escape" },
    on: {
      input: () => { editing.text = area.value; },
      keydown: (event) => {
        if (event.isComposing || event.keyCode === 229) return;
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); saveEdit(); }
        if (event.key === "Escape") { event.preventDefault(); cancelEdit(); }
      },
    },
  });
  const changedOnDisk = (c.ja ?? "") !== editing.base;
  return el("div", { cls: "c-editing" }, [
    area,
    changedOnDisk ? el("div", { cls: "c-disk" }, [
      el("strong", { text: "ファイルの訳が変わりました。いまの訳:" }),
      el("p", { cls: "c-text", lang: "ja", text: c.ja || "（空）" })]) : null,
    el("div", { cls: "c-editor-actions" }, [
      el("button", { type: "button", cls: "button small", text: editing.saving ? "保存しています…" : "保存",
        disabled: editing.saving, on: { click: saveEdit } }, [el("kbd", { cls: "on-keyboard", text: "Enter" })]),
      el("button", { type: "button", cls: "button small quiet", text: "やめる", on: { click: cancelEdit } },
        [el("kbd", { cls: "on-keyboard", text: "Esc" })]),
    ]),
  ]);
}

export async function saveEdit() {
  const editing = T.editing;
  const c = editing && T.byId.get(editing.id);
  if (!c || editing.saving) return;
  if (editing.text === (c.ja ?? "")) return cancelEdit();
  editing.saving = true;
  redrawComment(c.id);
  const result = await saveComment(c, { ja: editing.text }, { kept: true });
  editing.saving = false;
  if (result.ok && T.editing === editing) {
    T.editing = null;
    say(`コメント #${c.id} の訳を保存しました`, { level: "ok" });
  }
  redrawComment(c.id);
  const node = nodeOf(c.id);
  if (T.editing === editing) node?.querySelector("textarea")?.focus();
  else if (node) focusNode(node);
}

export function cancelEdit() {
  const editing = T.editing;
  if (!editing || editing.saving) return;
  T.editing = null;
  redrawComment(editing.id);
  const node = nodeOf(editing.id);
  if (node) focusNode(node);
}

// ------------------------------------------------------------------ toolbar

function toolbar(c) {
  const view = T.view;
  const button = (label, key, run, extra = {}) => el("button", {
    type: "button", cls: `tool ${extra.cls ?? ""}`, disabled: extra.disabled, title: extra.title,
    attrs: { "aria-pressed": extra.pressed, "aria-keyshortcuts": key === " " ? "Space" : key || null, "aria-label": extra.label },
    on: { click: run },
  }, [extra.swatch ?? null, label, key ? el("kbd", { cls: "on-keyboard", text: key === " " ? "Space" : key }) : null]);
  const colors = view.palette.map((color, i) => button(String(i + 1), String(i + 1), () => setColor(c, color), {
    pressed: String(c.color === color), label: `色 ${i + 1}（${color}）`,
    swatch: el("span", { cls: "swatch", vars: { "--swatch": color }, attrs: { "aria-hidden": "true" } }),
  }));
  return el("div", { cls: "c-toolbar", attrs: { role: "toolbar", "aria-label": `コメント #${c.id} の操作` } }, [
    el("div", { cls: "tool-group" }, [
      button(c.shown ? "隠す" : "表示する", " ", () => toggleShown(c), { cls: "tool-main" }),
      c.include !== null ? button("自動に戻す", "", () => setInclude(c, null), { title: "表示するかをスコアと上限で決める" }) : null,
    ]),
    el("div", { cls: "tool-group", attrs: { role: "group", "aria-label": "色" } }, [
      ...colors,
      button("なし", "0", () => setColor(c, ""), { pressed: String(c.color === "") }),
      button("自動", "a", () => setColor(c, null), { pressed: String(c.color === null) }),
    ]),
    el("div", { cls: "tool-group" }, [
      button("編集", "e", () => startEdit(c), { disabled: T.editing?.id === c.id }),
      button("再翻訳", "t", () => retranslate(c), {
        disabled: !view.can_translate || T.busy.has(c.id),
        title: view.can_translate ? "このコメントを LLM で翻訳し直す" : "LLM が設定されていません" }),
      button("確認済み", "r", () => toggleReviewed(c), { pressed: String(c.reviewed) }),
    ]),
  ]);
}
