// Building the page. Text from the API (HN originals, LLM Japanese, titles, names, tags,
// messages) is untrusted: it only ever becomes a text node or a property value, never
// HTML. There is no innerHTML anywhere in the studio, and no inline style (the CSP forbids
// it): colours and depths go through CSS custom properties set with the CSSOM.

/**
 * el("button", {cls: "x", text: "…", attrs: {"aria-label": "…"}, on: {click}, type: "button"},
 *    [child, "text", null])
 * `text` and string children become text nodes; other keys are set as DOM properties
 * (value, disabled, type, tabIndex, …). Attribute names that could run code are refused.
 */
export function el(tag, opts = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || value === null) continue;
    if (key === "cls") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "attrs") setAttrs(node, value);
    else if (key === "data") Object.assign(node.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (key === "vars") for (const [name, v] of Object.entries(value)) node.style.setProperty(name, v);
    else if (key === "href") node.setAttribute("href", safeHref(value));
    else node[key] = value;
  }
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on|^style$|^href$|^src$/i.test(name)) throw new Error(`refused attribute ${name}`);
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

export function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** Only web addresses and paths of this server become links; anything else (a story URL
 *  of `javascript:…`, say) becomes an inert "#". */
export function safeHref(value) {
  const text = String(value ?? "");
  if (/^https?:\/\//i.test(text)) return text;
  if (/^#/.test(text)) return text;
  if (/^\/(?![/\\])/.test(text)) return text;
  return "#";
}

/** A link that opens in another tab without giving it a handle on this page. */
/** A link to another site, in a new tab; an address that is not http(s) (a thread's URL is
 * untrusted: `javascript:` say) is shown as text, never made a link. */
export function outLink(href, text, cls = "") {
  if (!/^https?:\/\//i.test(String(href ?? ""))) return el("span", { cls, text });
  return el("a", { href, cls, text, target: "_blank", rel: "noopener noreferrer" });
}

/** "2025-02-10T08:38:56Z" → "2025/02/10 17:38" in the curator's time zone; other text as is. */
export function formatTime(value) {
  if (!value) return "";
  const time = new Date(value);
  if (Number.isNaN(time.getTime()) || !/^\d{4}-\d\d-\d\d/.test(value)) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${time.getFullYear()}/${pad(time.getMonth() + 1)}/${pad(time.getDate())} `
    + `${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

export const STATE_LABELS = {
  queued: "キュー", fetched: "取得済み", translated: "翻訳途中", draft: "下書き", published: "公開中",
};

export function statePill(state) {
  return el("span", { cls: `pill state-${state}`, text: STATE_LABELS[state] ?? state });
}

/** Errors and warnings as two small counters ("エラー 2", "警告 1"); nothing when none. */
export function problemCounts(errors, warnings) {
  const out = [];
  if (errors) out.push(el("span", { cls: "count-error", text: `エラー ${errors}` }));
  if (warnings) out.push(el("span", { cls: "count-warning", text: `警告 ${warnings}` }));
  if (!out.length) out.push(el("span", { cls: "count-ok", text: "問題なし" }));
  return el("span", { cls: "problem-counts" }, out);
}

// ------------------------------------------------------------------ the status area
// One live region (role="status") for progress, results and errors. Errors stay until
// closed or replaced; other messages fade after a few seconds.

const status = () => document.getElementById("status");
let fadeTimer = 0;

export function say(message, { level = "info", hint = null, extra = null, sticky } = {}) {
  const box = status();
  clearTimeout(fadeTimer);
  box.dataset.level = level;
  box.querySelector(".status-message").textContent = message;
  const hintNode = box.querySelector(".status-hint");
  hintNode.textContent = hint ? `ヒント: ${hint}` : "";
  hintNode.hidden = !hint;
  clear(box.querySelector(".status-extra"));
  if (extra) append(box.querySelector(".status-extra"), extra);
  box.hidden = false;
  if (!(sticky ?? level === "error")) fadeTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

export function hush() {
  clearTimeout(fadeTimer);
  status().hidden = true;
}

export function sayError(error, extra = null) {
  say(error.message, { level: "error", hint: error.hint, extra });
}

export function setupStatus() {
  status().querySelector(".status-close").addEventListener("click", hush);
}
