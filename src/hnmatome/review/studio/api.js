// Talking to the studio API of `hnmatome serve` (the contract: /work/notes/studio_api.md).
// Every POST carries the per-server token from the page's meta tag; the server refuses
// writes without it, so a web page the curator visits cannot drive the studio.

const TOKEN = document.querySelector('meta[name="studio-token"]')?.content ?? "";
export const BASE = "/_studio/api";

/** An answer that is not 2xx: `status` (0 when the server could not be reached), the
 *  server's `error` and `hint`, and the whole JSON `body` (a 409 carries `thread`). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.hint = body?.hint ?? null;
    this.body = body ?? {};
  }
}

async function request(method, path, body) {
  const init = { method, cache: "no-store", credentials: "same-origin", headers: {} };
  if (method === "POST") {
    init.headers = { "Content-Type": "application/json", "X-Studio-Token": TOKEN };
    init.body = JSON.stringify(body ?? {});
  }
  let answer;
  try {
    answer = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, {
      error: "スタジオのサーバーに接続できません",
      hint: "hnmatome serve が動いているか確かめて、このページを読み込み直してください",
    });
  }
  let data = null;
  try {
    data = await answer.json();
  } catch {
    data = null;  // an answer without JSON (a proxy error page, say)
  }
  if (!answer.ok) throw new ApiError(answer.status, data);
  return data;
}

export const getJSON = (path) => request("GET", path);
export const postJSON = (path, body) => request("POST", path, body);

// Writes run one at a time: each save carries the digest of the version it was based on,
// and the next save must wait for the answer (the new digest) of the one before, or it
// would be refused as stale. `task` reads the digest only when its turn comes.
let chain = Promise.resolve();
let waiting = 0;

export function serial(task) {
  waiting += 1;
  const run = chain.then(task).finally(() => { waiting -= 1; });
  chain = run.catch(() => {});
  return run;
}

/** How many writes are queued or running (the page warns before closing while > 0). */
export const pendingWrites = () => waiting;
