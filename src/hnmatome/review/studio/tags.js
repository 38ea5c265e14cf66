// The tag editor of the thread header: the tags as chips (× removes one), a field to add
// more (Enter, comma or the button), and the site's existing tags as suggestions, most used
// first: a <datalist> for keyboards and a row of buttons for touch. Every change saves the
// whole list at once.

import { clear, el, say } from "./dom.js";
import { T, write } from "./store.js";

const SHOWN_SUGGESTIONS = 10;

export function tagEditor() {
  const chips = el("ul", { cls: "tag-chips", attrs: { "aria-labelledby": "tags-label" } });
  const options = el("datalist", { id: "tag-options" });
  const input = el("input", {
    type: "text", id: "tag-input", cls: "tag-input", autocomplete: "off", placeholder: "タグを追加",
    attrs: { list: "tag-options", "aria-label": "追加するタグ（カンマで区切って複数）" },
  });
  const suggest = el("div", { cls: "tag-suggest", attrs: { "aria-label": "よく使われているタグ" } });
  const addButton = el("button", { type: "button", cls: "button small quiet", text: "追加" });

  const addTyped = () => {
    const names = input.value.split(/[,、，]/).map((s) => s.trim()).filter(Boolean);
    if (!names.length) return;
    input.value = "";
    delete input.dataset.dirty;
    save([...current(), ...names]);
  };
  input.addEventListener("input", () => {
    input.dataset.dirty = input.value ? "1" : "";
    if (!input.value) delete input.dataset.dirty;
    renderSuggestions(suggest, input.value);
  });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter" || event.key === ",") { event.preventDefault(); addTyped(); }
  });
  addButton.addEventListener("click", addTyped);

  return {
    node: el("div", { cls: "tags-editor" }, [
      chips, el("div", { cls: "tag-add" }, [input, addButton, options]), suggest]),
    update(view) {
      clear(chips).append(...view.tags.map(chip));
      clear(options).append(...view.tag_suggestions.map((s) => el("option", { value: s.name, label: `${s.count} 件` })));
      renderSuggestions(suggest, input.value);
    },
  };
}

const current = () => T.view.tags;

function chip(name) {
  return el("li", { cls: "tag-chip" }, [
    el("span", { text: name, dir: "auto" }),
    el("button", {
      type: "button", cls: "tag-remove", text: "×", attrs: { "aria-label": `タグ「${name}」を外す` },
      on: { click: () => save(current().filter((t) => t !== name)) },
    }),
  ]);
}

function renderSuggestions(node, typed) {
  const have = new Set(current().map((t) => t.toLowerCase()));
  const needle = typed.trim().toLowerCase();
  const picks = T.view.tag_suggestions
    .filter((s) => !have.has(s.name.toLowerCase()) && (!needle || s.name.toLowerCase().includes(needle)))
    .slice(0, SHOWN_SUGGESTIONS);
  clear(node).append(...picks.map((s) => el("button", {
    type: "button", cls: "chip chip-suggest", attrs: { "aria-label": `タグ「${s.name}」を付ける（${s.count} 件）` },
    on: { click: () => save([...current(), s.name]) },
  }, [el("span", { text: `+ ${s.name}`, dir: "auto" }), el("span", { cls: "chip-count", text: String(s.count) })])));
}

/** Saves `names` as the tags, without duplicates (case-insensitive: "rust" = "Rust"). */
async function save(names) {
  const seen = new Set();
  const tags = names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (tags.length === current().length && tags.every((t, i) => t === current()[i])) return;
  const result = await write("save", (base) => ({ base, thread: { tags } }));
  if (result.ok) say("タグを保存しました", { level: "ok" });
}
