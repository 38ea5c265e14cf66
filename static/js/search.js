/* hnmatome search (an ES module, loaded by site.js the first time the search opens).
   The index holds Japanese as overlapping character pairs (src/hnmatome/search_text.py):
   東海道新幹線 -> 東海 海道 道新 新幹 幹線 線. A query is cut the same way and searched as a
   phrase, so 新幹線 ("新幹 幹線") finds exactly the posts that contain 新幹線. Excerpts come
   back in the cut form and are put together again before they are shown. */

/* The same ranges as JAPANESE_RUN in search_text.py. */
const RUN = /[\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const JAPANESE = /^[\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;
export const INDEX_LANGUAGE = "en"; /* search_index.INDEX_LANGUAGE */
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

/* Pagefind's excerpt (HTML: text with <mark> around matches) as plain [text, marked] pieces,
   the character pairs joined back into the words they came from (" · " ends a paragraph, see
   search_index._closed). The markup is parsed inert
   (a <template> never runs scripts or loads images) and only text and <mark> survive. */
export function excerptPieces(chars) {
  const out = [];
  for (let i = 0; i < chars.length; i += 1) {
    const [ch, marked] = chars[i];
    if (ch !== " ") {
      out.push([ch, marked]);
      continue;
    }
    let j = i;
    while (j + 1 < chars.length && chars[j + 1][0] === " ") j += 1;
    const before = out[out.length - 1];
    const after = chars[j + 1];
    if (before && after && JAPANESE.test(before[0]) && after[0] === before[0]) {
      before[1] = before[1] || after[1]; /* the overlap of two pairs: keep one character */
      i = j + 1;
    } else if (before && after && before[0] !== "·" && after[0] !== "·"
               && (JAPANESE.test(before[0]) || JAPANESE.test(after[0]))) {
      i = j; /* a cut between Japanese and something else: not a real space */
    } else {
      out.push([" ", false]);
      i = j;
    }
  }
  const pieces = [];
  for (const [ch, marked] of out) {
    const tail = pieces[pieces.length - 1];
    if (tail && tail[1] === marked) tail[0] += ch;
    else pieces.push([ch, marked]);
  }
  return pieces;
}

function excerptChars(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  const chars = [];
  holder.content.childNodes.forEach((node) => {
    const marked = node.nodeName === "MARK";
    for (const ch of node.textContent) chars.push([ch, marked]);
  });
  return chars;
}

function excerptNode(html) {
  const out = document.createElement("span");
  out.className = "search-excerpt";
  for (const [text, marked] of excerptPieces(excerptChars(html))) {
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

function resultItem(data) {
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
  link.appendChild(excerptNode(data.excerpt || ""));
  item.appendChild(link);
  return item;
}

/* The results of the first search that every other search found too, in its order. */
export function matchingAll(searches) {
  if (!searches.length) return [];
  const others = searches.slice(1).map((search) => new Set(search.results.map((r) => r.id)));
  return searches[0].results.filter((result) => others.every((ids) => ids.has(result.id)));
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
      engine = import(dialog.dataset.bundle + "pagefind.js").then(async (pagefind) => {
        await pagefind.options({ excerptLength: 50, exactDiacritics: true });
        await pagefind.init(INDEX_LANGUAGE);
        return pagefind;
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  };

  const showMore = async (ticket) => {
    const batch = found.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= found.length;
    const rows = await Promise.all(batch.map((result) => result.data()));
    if (ticket === latest) rows.forEach((data) => list.appendChild(resultItem(data)));
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
