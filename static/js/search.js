/* hnmatome search (an ES module, loaded by site.js the first time the search opens).
   The index holds Japanese as overlapping character pairs (src/hnmatome/site/search/text.py):
   東海道新幹線 -> 東海 海道 道新 新幹 幹線 線. A query is cut the same way and searched as a
   phrase, so 新幹線 ("新幹 幹線") finds exactly the posts that contain 新幹線. Excerpts come
   back in the cut form and are put together again before they are shown. */

/* The same ranges as JAPANESE_RUN in site/search/text.py. */
const RUN = /[\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const JAPANESE = /^[\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;
export const INDEX_LANGUAGE = "en"; /* INDEX_LANGUAGE in site/search/index.py */
/* Pagefind's options, for the main index and every shard merged into it. */
export const OPTIONS = { excerptLength: 50, exactDiacritics: true };
const KEEP_SPACE_AFTER = "·.,:;!?"; /* a paragraph end or Latin punctuation, then Japanese */
const PAGE = 8;

/* The Pagefind queries for what the reader typed: one per space-separated word, all of which
   a result must match. In a word, a run of Japanese becomes its pairs, searched as a phrase
   (a single character stays as it is and matches by prefix); the run's last character is
   added when more follows, because the index has it there (生成AI -> "生成 成 ai"). */
export function encodeQuery(text) {
  return text.normalize("NFKC").toLowerCase().split(/[\s"]+/).filter(Boolean).map(encodeWord)
    .filter(Boolean);
}

function encodeWord(word) {
  const pieces = [];
  let last = 0;
  for (const found of word.matchAll(RUN)) {
    if (found.index > last) pieces.push({ japanese: false, text: word.slice(last, found.index) });
    pieces.push({ japanese: true, text: found[0] });
    last = found.index + found[0].length;
  }
  if (last < word.length) pieces.push({ japanese: false, text: word.slice(last) });
  const tokens = [];
  pieces.forEach((piece, index) => {
    const run = piece.text;
    if (!piece.japanese || run.length === 1) {
      tokens.push(run);
      return;
    }
    for (let i = 0; i < run.length - 1; i += 1) tokens.push(run.slice(i, i + 2));
    if (index + 1 < pieces.length) tokens.push(run[run.length - 1]);
  });
  return tokens.length > 1 ? `"${tokens.join(" ")}"` : tokens.join("");
}

/* Whether `out` ends in ! or ? written full-width between Japanese (って！もし, folded to "!"
   by NFKC): Japanese puts no space after it, unlike "works! これ". */
function foldedMark(out, after) {
  return "!?".includes(out[out.length - 1]) && JAPANESE.test(after)
    && JAPANESE.test(out[out.length - 2] || "");
}

/* Pagefind's excerpt as plain text, the character pairs joined back into the words they came
   from (" · " ends a paragraph, see _closed in site/search/index.py). `chars` are the excerpt's
   characters; its <mark>s are not used: they cover whole tokens, so markTerms marks what the
   reader typed instead. */
export function excerptText(chars) {
  let out = "";
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i];
    if (ch !== " ") {
      out += ch;
      continue;
    }
    let j = i;
    while (j + 1 < chars.length && chars[j + 1] === " ") j += 1;
    const before = out[out.length - 1];
    const after = chars[j + 1];
    if (before && after && JAPANESE.test(before) && after === before) {
      i = j + 1; /* the overlap of two pairs: keep one character */
    } else if (before && after && after !== "·" && (JAPANESE.test(before) || JAPANESE.test(after))
               && (!KEEP_SPACE_AFTER.includes(before) || foldedMark(out, after))) {
      i = j; /* a cut between Japanese and something else: not a real space */
    } else {
      out += " ";
      i = j;
    }
  }
  return out;
}

/* `text` as [piece, marked] pairs, every occurrence of a typed word marked. */
export function markTerms(text, typed) {
  const words = typed.normalize("NFKC").toLowerCase().split(/[\s"]+/).filter(Boolean);
  const lower = text.toLowerCase();
  const marked = new Array(text.length).fill(false);
  if (lower.length === text.length) {
    for (const word of words) {
      for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length)) {
        marked.fill(true, at, at + word.length);
      }
    }
  }
  const pieces = [];
  for (let i = 0; i < text.length; i += 1) {
    const tail = pieces[pieces.length - 1];
    if (tail && tail[1] === marked[i]) tail[0] += text[i];
    else pieces.push([text[i], marked[i]]);
  }
  return pieces;
}

function excerptChars(html) {
  /* Parsed inert (a <template> never runs scripts or loads images); only the text is kept. */
  const holder = document.createElement("template");
  holder.innerHTML = html;
  return Array.from(holder.content.textContent);
}

function excerptNode(html, typed) {
  const out = document.createElement("span");
  out.className = "search-excerpt";
  for (const [text, marked] of markTerms(excerptText(excerptChars(html)), typed)) {
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      out.appendChild(mark);
    } else {
      out.appendChild(document.createTextNode(text));
    }
  }
  return out;
}

function resultItem(data, typed) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  const title = document.createElement("span");
  title.className = "search-title";
  title.textContent = (data.meta && data.meta.title) || data.url;
  link.appendChild(title);
  if (data.meta && data.meta.date) {
    const date = document.createElement("span");
    date.className = "search-date";
    date.textContent = data.meta.date;
    link.appendChild(date);
  }
  link.appendChild(excerptNode(data.excerpt || "", typed));
  item.appendChild(link);
  return item;
}

/* The results of the first search that every other search found too, in its order. */
export function matchingAll(searches) {
  if (!searches.length) return [];
  const others = searches.slice(1).map((search) => new Set(search.results.map((r) => r.id)));
  return searches[0].results.filter((result) => others.every((ids) => ids.has(result.id)));
}

/* Pagefind, opened on the index. Pagefind reads <html lang> once, when it starts, to choose
   how to cut queries; under "ja" it would cut the pairs again (新幹 -> 新 幹). The query is cut
   already, so it starts under the index's language and the page gets its own back at once. */
async function openIndex(bundle) {
  const root = document.documentElement;
  const lang = root.getAttribute("lang");
  root.setAttribute("lang", INDEX_LANGUAGE);
  try {
    const pagefind = await import(bundle + "pagefind.js");
    await pagefind.options(OPTIONS);
    await pagefind.init(INDEX_LANGUAGE);
    for (const shard of await shardsOf(bundle)) {
      await pagefind.mergeIndex(bundle + shard, { ...OPTIONS, language: INDEX_LANGUAGE });
    }
    return pagefind;
  } finally {
    root.setAttribute("lang", lang);
  }
}

/* The index comes in shards (site/search/index.py), each built and cached on its own; the main
   bundle lists the others in shards.json. */
export async function shardsOf(bundle, load = fetch) {
  try {
    const answer = await load(bundle + "shards.json");
    return answer.ok ? await answer.json() : [];
  } catch (error) {
    return [];
  }
}

/* Wires the search dialog; returns run() for site.js. */
export function startSearch(dialog) {
  const input = dialog.querySelector(".search-input");
  const status = dialog.querySelector(".search-status");
  const list = dialog.querySelector(".search-results");
  const more = dialog.querySelector(".search-more");
  let engine = null;
  let found = [];
  let shown = 0;
  let latest = 0;

  const load = () => {
    if (!engine) {
      engine = openIndex(dialog.dataset.bundle);
      engine.catch(() => { engine = null; });
    }
    return engine;
  };

  const showMore = async (ticket) => {
    const batch = found.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= found.length;
    const rows = await Promise.all(batch.map((result) => result.data()));
    const typed = input.value;
    if (ticket === latest) rows.forEach((data) => list.appendChild(resultItem(data, typed)));
  };

  const run = async () => {
    const typed = input.value.trim();
    const ticket = ++latest;
    if (!typed) {
      found = []; shown = 0; list.textContent = ""; more.hidden = true; status.textContent = "";
      return;
    }
    status.textContent = "検索しています…";
    try {
      const pagefind = await load();
      await new Promise((resolve) => { setTimeout(resolve, 180); }); /* typing: wait a moment */
      if (ticket !== latest) return;
      const searches = await Promise.all(encodeQuery(typed).map((query) => pagefind.search(query)));
      if (ticket !== latest) return;
      found = matchingAll(searches); shown = 0; list.textContent = "";
      status.textContent = found.length
        ? `「${typed}」を含む記事: ${found.length}件`
        : `「${typed}」を含む記事は見つかりませんでした`;
      await showMore(ticket);
    } catch (error) {
      if (ticket === latest) status.textContent = "検索は現在利用できません（検索インデックスが見つかりません）";
    }
  };

  input.addEventListener("input", run);
  more.addEventListener("click", () => showMore(latest));
  load();
  return run;
}
