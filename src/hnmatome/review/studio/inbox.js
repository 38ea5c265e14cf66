// The inbox (#/): every thread with its state, titles, counts and problems, and the
// actions that need no reading of the thread: fetch again, translate what is missing,
// publish / unpublish, remove from the queue, add a thread.

import { ApiError, getJSON, postJSON } from "./api.js";
import {
  STATE_LABELS, clear, el, outLink, problemCounts, say, sayError, statePill,
} from "./dom.js";

const ORDER = ["queued", "fetched", "translated", "draft", "published"];
const busy = new Set();  // thread ids with an action running (kept across visits)
let threads = [];
let filter = "all";
let list = null;         // the <ol> of the inbox on screen (null once we left it)
let summary = null;
let selected = -1;       // keyboard selection: index among the rows on screen

export async function showInbox(main) {
  document.title = "受信箱 | hnmatome スタジオ";
  list = el("ol", { cls: "inbox-list", attrs: { "aria-label": "スレッド" } },
    [el("li", { cls: "empty", text: "読み込み中…" })]);
  summary = el("div", { cls: "inbox-filter", attrs: { role: "group", "aria-label": "状態で絞り込む" } });
  clear(main).append(
    el("div", { cls: "inbox-head" }, [el("h1", { cls: "page-title", text: "受信箱" }), addForm()]),
    summary, list);
  await reload();
}

async function reload() {
  const mine = list;
  try {
    const data = await getJSON("/inbox");
    if (mine !== list || !mine.isConnected) return;  // the curator went elsewhere meanwhile
    threads = data.threads ?? [];
    render();
  } catch (error) {
    if (mine.isConnected) clear(mine).append(el("li", { cls: "empty", text: "読み込めませんでした。" }));
    sayError(error);
  }
}

// ------------------------------------------------------------------ adding a thread

function addForm() {
  const input = el("input", {
    type: "text", id: "add-thread", name: "add", autocomplete: "off", spellcheck: false,
    placeholder: "42997340 または https://news.ycombinator.com/item?id=…",
    attrs: { "aria-label": "追加するスレッドの ID か HN の URL", inputmode: "url" },
  });
  const submit = el("button", { cls: "button", type: "submit", text: "キューに追加" });
  // The CSP has form-action 'none': the form never navigates, submit is handled here.
  return el("form", {
    cls: "add-form",
    on: {
      submit: async (event) => {
        event.preventDefault();
        const value = input.value.trim();
        if (!value) return input.focus();
        submit.disabled = true;
        try {
          const data = await postJSON("/queue", { add: value });
          threads = data.threads ?? threads;
          input.value = "";
          filter = "all";
          render();
          say(`キューに追加しました: ${value}`, { level: "ok" });
        } catch (error) {
          sayError(error);
          input.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
  }, [el("label", { cls: "visually-hidden", htmlFor: "add-thread", text: "スレッドを追加" }), input, submit]);
}

// ------------------------------------------------------------------ the list

function render() {
  if (!list?.isConnected) return;
  renderFilter();
  const rows = threads.filter((t) => filter === "all" || t.state === filter);
  clear(list).append(...rows.map(row));
  if (!rows.length) list.append(el("li", { cls: "empty", text: threads.length
    ? "この状態のスレッドはありません。" : "スレッドはまだありません。上の欄から追加してください。" }));
  selected = Math.min(selected, rows.length - 1);
  markSelected(false);
}

function renderFilter() {
  const count = (state) => threads.filter((t) => t.state === state).length;
  const chip = (value, label, n) => el("button", {
    type: "button", cls: "chip", text: `${label} ${n}`,
    attrs: { "aria-pressed": String(filter === value) },
    on: { click: () => { filter = value; selected = -1; render(); } },
  });
  clear(summary).append(chip("all", "すべて", threads.length),
    ...ORDER.filter(count).map((state) => chip(state, STATE_LABELS[state], count(state))));
}

function row(thread) {
  const queued = thread.state === "queued";
  const open = `#/thread/${thread.id}`;
  const titleJa = queued
    ? el("span", { cls: "row-ja muted", text: "（まだ取得していません）" })
    : el("a", { cls: "row-ja", href: open, text: thread.title_ja || "（日本語タイトルなし）" });
  const titles = el("div", { cls: "row-titles" }, [
    titleJa,
    thread.title ? el("span", { cls: "row-en", lang: "en", dir: "auto", text: thread.title }) : null,
  ]);
  const meta = el("div", { cls: "row-meta" }, [
    statePill(thread.state),
    el("span", { cls: "row-id", text: `#${thread.id}` }),
    queued ? null : el("span", { text: `表示 ${thread.comments_shown}/${thread.comments_total}` }),
    queued ? null : el("span", { text: `翻訳 ${thread.comments_translated}/${thread.comments_total}` }),
    queued ? null : problemCounts(thread.errors, thread.warnings),
  ]);
  const links = el("div", { cls: "row-links" }, [
    queued ? null : el("a", { href: open, text: "開く" }),
    thread.preview ? outLink(thread.preview, "プレビュー ↗") : null,
    thread.hn_url ? outLink(thread.hn_url, "HN ↗") : null,
  ]);
  return el("li", {
    cls: `inbox-row${busy.has(thread.id) ? " busy" : ""}`, data: { id: thread.id },
    attrs: { "aria-busy": String(busy.has(thread.id)) },
  }, [el("div", { cls: "row-main" }, [titles, meta, links]), actions(thread)]);
}

function actions(thread) {
  const button = (label, work, cls = "") => el("button", {
    type: "button", cls: `button small ${cls}`, text: label, disabled: busy.has(thread.id),
    on: { click: () => act(thread, label, work) },
  });
  const id = thread.id;
  const out = [];
  if (thread.state === "queued") {
    out.push(button("取得", () => postJSON(`/thread/${id}/fetch`, {})));
    out.push(button("キューから外す", () => removeFromQueue(id), "quiet"));
  } else {
    out.push(button("再取得", () => postJSON(`/thread/${id}/fetch`, {}), "quiet"));
    if (thread.state === "fetched" || thread.state === "translated") {
      out.push(button("未翻訳を翻訳", () => translateMissing(id), "quiet"));
    }
    if (thread.state === "published") out.push(button("下書きに戻す", () => publish(id, true), "quiet"));
    else if (thread.state !== "fetched") out.push(button("公開", () => publish(id, false)));
  }
  return el("div", { cls: "row-actions" }, out);
}

// ------------------------------------------------------------------ actions

async function act(thread, label, work) {
  busy.add(thread.id);
  render();
  say(`${label}: #${thread.id} …`, { sticky: true });
  try {
    await work();
    say(`${label}: #${thread.id} 完了`, { level: "ok" });
  } catch (error) {
    sayError(error, refusedChecks(thread.id, error));
  } finally {
    busy.delete(thread.id);
    await reload();
  }
}

async function removeFromQueue(id) {
  const data = await postJSON("/queue", { remove: id });
  threads = data.threads ?? threads;
}

// Translating and publishing need the digest of the file (a stale write is refused), and
// the inbox does not carry it: read the thread view first.
async function translateMissing(id) {
  const view = await getJSON(`/thread/${id}`);
  if (!view.can_translate) {
    throw new ApiError(400, {
      error: "翻訳に使う LLM が設定されていません",
      hint: "HNMATOME_LLM_BASE_URL と HNMATOME_LLM_MODEL（必要なら HNMATOME_LLM_API_KEY）を設定して serve を起動し直してください",
    });
  }
  await postJSON(`/thread/${id}/translate`, { base: view.digest, missing: true });
}

async function publish(id, draft) {
  const view = await getJSON(`/thread/${id}`);
  await postJSON(`/thread/${id}/publish`, { base: view.digest, draft });
}

/** A refused publish (422) lists its errors: each links to its comment in the thread view. */
function refusedChecks(id, error) {
  if (error.status !== 422) return null;
  const checks = (error.body.checks ?? []).filter((c) => c.level === "error");
  return el("ul", { cls: "status-list" }, [
    ...checks.slice(0, 8).map((check) => el("li", {}, [el("a", {
      href: check.comment_id != null ? `#/thread/${id}?comment=${check.comment_id}` : `#/thread/${id}`,
      text: check.comment_id != null ? `コメント #${check.comment_id}: ${check.message}` : check.message,
    })])),
    el("li", {}, [el("a", { href: `#/thread/${id}`, text: "スレッドを開いて直す" })]),
  ]);
}

// ------------------------------------------------------------------ keyboard

/** j/k move through the rows, Enter opens the selected one. True when the key was used. */
export function inboxKey(event) {
  if (!list?.isConnected) return false;
  const rows = [...list.querySelectorAll(".inbox-row")];
  if (event.key === "j" || event.key === "k") {
    if (!rows.length) return true;
    selected = Math.max(0, Math.min(rows.length - 1, selected + (event.key === "j" ? 1 : -1)));
    markSelected(true);
    return true;
  }
  if (event.key === "Enter" && selected >= 0 && rows[selected]) {
    const link = rows[selected].querySelector("a.row-ja");
    if (link) location.hash = link.getAttribute("href");
    return true;
  }
  return false;
}

function markSelected(focus) {
  const rows = [...list.querySelectorAll(".inbox-row")];
  rows.forEach((r, i) => r.classList.toggle("sel", i === selected));
  const current = rows[selected];
  if (!current) return;
  current.scrollIntoView({ block: "nearest" });
  if (focus) (current.querySelector("a, button") ?? current).focus({ preventScroll: true });
}
