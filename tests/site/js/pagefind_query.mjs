// Query a built site's search the way its search box does, from Node (no npm packages):
//   node pagefind_query.mjs <public dir> <bundle URL> <site base URL> query...
// The query is cut by the site's own static/js/search.js, Pagefind's own pagefind.js runs it
// (its files fetched over HTTP from <bundle URL>, a test server on 127.0.0.1), and excerpts
// are put back together and marked by search.js. Prints {query: [{url, title, date, excerpt, text}]}.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [, , publicDir, bundleUrl, baseUrl, ...queries] = process.argv;
const search = await import(pathToFileURL(path.join(publicDir, "js", "search.js")).href);
const pagefind = await import(pathToFileURL(path.join(publicDir, "pagefind", "pagefind.js")).href);
await pagefind.options({ ...search.OPTIONS, basePath: bundleUrl, baseUrl });
await pagefind.init(search.INDEX_LANGUAGE);
for (const shard of await search.shardsOf(bundleUrl)) {
  await pagefind.mergeIndex(bundleUrl + shard,
                           { ...search.OPTIONS, language: search.INDEX_LANGUAGE, baseUrl });
}

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
function chars(html) {
  // Node has no DOM: Pagefind's excerpts hold text and <mark> only, so strip the tags by hand.
  return Array.from(html.replace(/<\/?mark>/g, "").replace(/&(amp|lt|gt|quot|#39);/g,
                                                          (e) => ENTITIES[e]));
}

const answers = {};
for (const query of queries) {
  const results = search.matchingAll(
    await Promise.all(search.encodeQuery(query).map((q) => pagefind.search(q))));
  const rows = [];
  for (const result of results) {
    const data = await result.data();
    const pieces = search.markTerms(search.excerptText(chars(data.excerpt)), query);
    rows.push({ url: data.url, title: data.meta.title, date: data.meta.date ?? null,
                excerpt: data.excerpt,
                text: pieces.map(([text, marked]) => (marked ? `[${text}]` : text)).join("") });
  }
  answers[query] = rows;
}
console.log(JSON.stringify(answers));
await pagefind.destroy();
