/* A story not analysed yet: poll its state (GET /api/articles/<id>, backing off) and show it;
   once it is done, load the page again, which then shows the map. An ES module. */
const LABELS = {
  queued: "Queued: waiting for a worker…",
  analysing: "Analysing",
  failed: "Analysis failed",
  done: "Done: loading the map…",
};
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;

function label(state) {
  const text = LABELS[state.status] || state.status;
  if (state.status === "analysing" && state.stage) {
    return text + ": " + state.stage + " (" + state.progress + "%)";
  }
  return text;
}

function show(panel, state) {
  panel.dataset.status = state.status;
  panel.querySelector(".job-label").textContent = label(state);
  const bar = panel.querySelector("progress");
  if (bar) {
    bar.value = state.progress || 0;
    bar.hidden = state.status === "failed";
  }
  panel.querySelector(".job-error").textContent = state.error || "";
}

async function fetchState(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    return response.ok ? await response.json() : null;
  } catch (err) {
    return null; // offline for a moment: try again later
  }
}

async function poll(panel, delay) {
  const state = await fetchState(panel.dataset.statusUrl);
  if (state) show(panel, state);
  if (state && state.status === "done") {
    window.location.reload();
    return;
  }
  if (state && state.status === "failed") return;
  window.setTimeout(() => poll(panel, Math.min(delay * 1.5, MAX_DELAY_MS)), delay);
}

const jobPanel = document.getElementById("job-state");
if (jobPanel && jobPanel.dataset.statusUrl && jobPanel.dataset.status !== "failed") {
  poll(jobPanel, FIRST_DELAY_MS);
}
