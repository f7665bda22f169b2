/* Stories being analysed in the library: each row with a data-status-url polls the story's state
   (GET /api/articles/<id>, backing off) and shows it, with the percent, until it is done or
   failed; a polite live region says when one finishes. */

const FIRST_DELAY_MS = 400;
const MAX_DELAY_MS = 8000;

async function stateOf(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    return response.ok ? await response.json() : null;
  } catch (err) {
    return null; // offline for a moment: the next poll tries again
  }
}

function announce(row, text) {
  const live = document.getElementById("library-live");
  const link = row.querySelector(".story-link");
  if (live) live.textContent = "“" + (link ? link.textContent : "A story") + "” " + text;
}

function showPercent(row, state) {
  const box = row.querySelector(".job-percent");
  if (!box) return;
  const working = state.status === "analysing";
  box.hidden = !working;
  const bar = box.querySelector("progress");
  if (bar) bar.value = state.progress || 0;
  const text = box.querySelector(".job-percent-text");
  if (text) text.textContent = working ? (state.progress || 0) + "%" + (state.stage ? " · " + state.stage : "") : "";
}

function showState(row, state) {
  const badge = row.querySelector(".cell-status .status");
  if (badge) {
    badge.textContent = state.status;
    badge.className = "status status-" + state.status;
    badge.title = state.error || "";
  }
  showPercent(row, state);
  if (state.status === "done") announce(row, "is analysed: open it to see its map.");
  if (state.status === "failed") announce(row, "could not be analysed: " + (state.error || "unknown error"));
}

async function poll(row, delay) {
  const state = await stateOf(row.dataset.statusUrl);
  if (state) showState(row, state);
  if (state && (state.status === "done" || state.status === "failed")) {
    row.removeAttribute("data-status-url");
    return;
  }
  window.setTimeout(() => poll(row, Math.min(delay * 1.5, MAX_DELAY_MS)), delay);
}

/** Start polling every row of ``root`` whose story is queued or being analysed. */
export function watchJobs(root) {
  for (const row of root.querySelectorAll("tr[data-status-url]")) poll(row, FIRST_DELAY_MS);
}
