/*
 * Review and correction (editors only): the review tools for a mention (confirm, not a
 * place, change to a candidate, a gazetteer search result or a point placed on the map),
 * adding a place on text the reader selects, and undo. A correction updates the page in
 * place (reviewsync.js) and says what changed in a live region, with an Undo button.
 */
import { requestJSON } from "./api.js";
import { byId, button, cssEscape, each, el, percent, plural, scrollBehavior, text } from "./dom.js";
import { textOffset } from "./offsets.js";
import { places } from "./map.js";
import { announce, canEdit, page, setStatus, storyData } from "./page.js";
import { candidateLabel, clearCandidates, showCandidates, startPlacing, stopPlacing } from "./reviewmap.js";
import { applyPageState } from "./reviewsync.js";
import { markActive } from "./text.js";

const MAX_SELECTION = 120;

/** The review's store. */
const review = {
  current: null, // {mode: "mention"|"add", mentionId, start, end, surface}
  searchSeq: 0, // the latest gazetteer search (older answers are dropped)
  selection: null, // the text selected for "Add place"
  busy: false, // a correction or an undo is on its way
};

function reviewer() {
  const input = byId("reviewer-name");
  return input ? input.value.trim() : "";
}

function candidateButton(c, i) {
  const b = button("candidate-button", null, "Change to " + candidateLabel(c));
  b.setAttribute("data-place-id", c.place_id);
  b.appendChild(el("span", "candidate-n", i + 1 + "."));
  b.appendChild(text(" " + c.label));
  const bits = [];
  if (c.kind) bits.push(c.kind);
  if (c.population) bits.push("pop. " + Number(c.population).toLocaleString("en"));
  if (typeof c.score === "number") bits.push("score " + percent(c.score));
  if (bits.length) b.appendChild(el("span", "candidate-meta", " · " + bits.join(" · ")));
  b.addEventListener("click", function () {
    choose(c);
  });
  return b;
}

/** The candidates as a list of buttons (or a hint when there is none). */
function fillCandidates(listEl, list, empty) {
  listEl.textContent = "";
  if (!list.length) {
    listEl.appendChild(el("li", "hint", empty));
    return;
  }
  list.forEach(function (c, i) {
    const li = el("li");
    li.appendChild(candidateButton(c, i));
    listEl.appendChild(li);
  });
}

/** Say what changed, visibly and to screen readers (the review notice is a live region). */
function notify(message) {
  const notice = byId("review-notice-text");
  if (notice) notice.textContent = message;
  setStatus(message);
  announce(message);
}

/** POST a correction (or an undo), then update the page in place and say `message`. */
function submitCorrection(body, message, url) {
  if (review.busy) return Promise.resolve();
  review.busy = true;
  if (body) body.reviewer = reviewer();
  setStatus("Saving…");
  return requestJSON(url || storyData("corrections-url"), body || {})
    .then(function (data) {
      const n = data.touched || 0;
      closeReview();
      return applyPageState(data.page).then(function () {
        notify(typeof message === "function" ? message(data) : message + (n > 1 ? " (" + n + " mentions)" : "") + ".");
      });
    })
    .catch(function (err) {
      notify("Could not save: " + err.message);
    })
    .then(function () {
      review.busy = false;
    });
}

function undoLast() {
  const undo = byId("review-undo");
  submitCorrection(null, function (data) {
    const u = data.undone || {};
    return "Undone: " + u.action + " “" + u.surface + "”.";
  }, undo && undo.getAttribute("data-undo-url"));
}

function applyAll() {
  const box = byId("apply-all");
  const label = byId("apply-all-label");
  return !!(box && box.checked && label && !label.hidden);
}

function choose(c) {
  const r = review.current;
  if (!r) return;
  const where = candidateLabel(c).replace(" · ", " (") + (c.kind ? ")" : "");
  if (r.mode === "add") {
    submitCorrection({ action: "add", start: r.start, end: r.end, place_id: c.place_id },
      "Added “" + r.surface + "” as " + where);
  } else {
    submitCorrection({ action: "change", mention_id: r.mentionId, place_id: c.place_id, apply_all: applyAll() },
      "Moved “" + r.surface + "” to " + where);
  }
}

/** "Place on map": the next click on the map gives the point, named as the reviewer wrote. */
function placeOnMap() {
  const r = review.current;
  if (!r) return;
  const input = byId("manual-name");
  const name = (input && input.value.trim()) || r.surface;
  notify("Click the map where “" + r.surface + "” is (Escape cancels).");
  startPlacing(function (latlng) {
    const point = { lat: Math.round(latlng.lat * 1e5) / 1e5, lon: Math.round(L.Util.wrapNum(latlng.lng, [-180, 180], true) * 1e5) / 1e5, name: name };
    const body = r.mode === "add"
      ? { action: "add", start: r.start, end: r.end, point: point }
      : { action: "change", mention_id: r.mentionId, point: point, apply_all: applyAll() };
    submitCorrection(body, "Placed “" + r.surface + "” on the map as " + name);
  }, function () {
    notify("Placing on the map cancelled.");
  });
}

function showTools(mode, surface) {
  const tools = byId("review-tools");
  if (!tools) return null;
  byId("review-surface").textContent = surface;
  each(tools.querySelectorAll("[data-review-action]"), function (b) {
    b.hidden = mode === "add";
  });
  byId("apply-all-label").hidden = true;
  byId("apply-all").checked = false;
  byId("stored-candidates").textContent = "";
  byId("search-results").textContent = "";
  const manual = byId("manual-name");
  if (manual) manual.value = surface;
  byId("review-current").textContent = mode === "add" ? "Choose the place this text names." : "Loading…";
  tools.hidden = false;
  tools.scrollIntoView({ behavior: scrollBehavior(), block: "nearest" });
  tools.focus();
  return tools;
}

/** "Now: …" for the review tools: the current place and how sure the match is. */
function currentText(data, m) {
  const cur = data.current;
  let line = cur ? "Now: " + cur.label + (cur.approximate ? " (approximate placement)" : "") : "Now: not found on the map";
  if (m.reviewed) line += " · reviewed" + (m.reviewed_by ? " by " + m.reviewed_by : "");
  else if (typeof m.confidence === "number") line += " · " + percent(m.confidence) + " sure" + (m.uncertain ? " (uncertain)" : "");
  return line;
}

function showAlternatives(data, mention, surface) {
  const m = mention ? places.mentionByStart[mention.getAttribute("data-start")] || {} : {};
  byId("review-current").textContent = currentText(data, m);
  if (data.same_text > 1) {
    byId("apply-all-text").textContent = "Apply to all " + data.same_text + " mentions of “" + data.surface + "” in this story";
    byId("apply-all-label").hidden = false;
  }
  fillCandidates(byId("stored-candidates"), data.candidates || [], "No other place was considered.");
  showCandidates(data.candidates || [], choose);
  const input = byId("place-search-input");
  if (input) input.value = data.name || surface;
}

/** Open the review tools for a mention and load its alternatives. */
export function openReview(mentionId) {
  if (!page.story || !byId("review-tools")) return;
  const mention = page.textEl && page.textEl.querySelector('.mention[data-mention-id="' + cssEscape(mentionId) + '"]');
  const surface = mention ? mention.textContent : "";
  review.current = { mode: "mention", mentionId: Number(mentionId), surface: surface };
  if (mention) {
    markActive(mention);
    mention.scrollIntoView({ behavior: scrollBehavior(), block: "center" });
  }
  showTools("mention", surface);
  const url = storyData("alternatives-url").replace("/mentions/0/", "/mentions/" + Number(mentionId) + "/");
  requestJSON(url)
    .then(function (data) {
      showAlternatives(data, mention, surface);
    })
    .catch(function (err) {
      byId("review-current").textContent = "Could not load this mention: " + err.message;
    });
}

function openAdd(sel) {
  review.current = { mode: "add", start: sel.start, end: sel.end, surface: sel.text };
  showTools("add", sel.text);
  byId("stored-candidates").appendChild(el("li", "hint", "Search the gazetteer below, then choose a place."));
  const input = byId("place-search-input");
  if (input) input.value = sel.text;
  search(sel.text);
}

function search(query) {
  const url = storyData("search-url");
  const results = byId("search-results");
  if (!url || !results || !query) return;
  results.textContent = "";
  results.appendChild(el("li", "hint", "Searching…"));
  const seq = (review.searchSeq += 1);
  requestJSON(url + "?q=" + encodeURIComponent(query))
    .then(function (data) {
      if (seq !== review.searchSeq) return; // a newer search is on its way
      const list = data.candidates || [];
      fillCandidates(results, list, "No place called “" + query + "” in the gazetteer.");
      showCandidates(list, choose);
      announce(plural(list.length, "place") + " found for “" + query + "”.");
    })
    .catch(function (err) {
      results.textContent = "";
      results.appendChild(el("li", "hint", "Search failed: " + err.message));
    });
}

function closeReview() {
  const tools = byId("review-tools");
  if (tools) tools.hidden = true;
  review.current = null;
  stopPlacing();
  clearCandidates();
}

/** The selected text in the article (code-point offsets, trimmed), or null. */
function readSelection() {
  const root = page.textEl;
  const sel = window.getSelection && window.getSelection();
  if (!sel || !sel.rangeCount || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  let start = textOffset(root, range.startContainer, range.startOffset);
  let end = textOffset(root, range.endContainer, range.endOffset);
  const chars = Array.from(root.textContent); // code points, as the server counts
  if (start < 0 || end <= start) return null;
  while (start < end && /\s/.test(chars[start])) start++;
  while (end > start && /\s/.test(chars[end - 1])) end--;
  if (end <= start || end - start > MAX_SELECTION) return null;
  return { start: start, end: end, text: chars.slice(start, end).join("") };
}

function wireActions(panel) {
  panel.addEventListener("click", function (e) {
    const open = e.target.closest && e.target.closest(".review-open");
    if (open) openReview(open.getAttribute("data-mention-id"));
  });
  each(panel.querySelectorAll("[data-review-action]"), function (b) {
    b.addEventListener("click", function () {
      const r = review.current;
      if (!r || r.mode !== "mention") return;
      const action = b.getAttribute("data-review-action");
      const msg = action === "confirm" ? "Confirmed “" + r.surface + "”" : "“" + r.surface + "” is no longer marked as a place";
      submitCorrection({ action: action, mention_id: r.mentionId, apply_all: applyAll() }, msg);
    });
  });
  byId("review-close").addEventListener("click", closeReview);
  const place = byId("place-on-map");
  if (place) place.addEventListener("click", placeOnMap);
  const undo = byId("review-undo");
  if (undo) undo.addEventListener("click", undoLast);
  byId("review-tools").addEventListener("keydown", function (e) {
    if (e.key === "Escape") closeReview();
  });
  byId("place-search").addEventListener("submit", function (e) {
    e.preventDefault();
    search(byId("place-search-input").value.trim());
  });
}

function wireSelection() {
  const bar = byId("selection-bar");
  function onSelect() {
    const sel = readSelection();
    if (!sel) return;
    review.selection = sel;
    byId("selection-text").textContent = sel.text;
    bar.hidden = false;
  }
  page.textEl.addEventListener("mouseup", function () {
    window.setTimeout(onSelect, 0);
  });
  page.textEl.addEventListener("keyup", function (e) {
    if (e.shiftKey) onSelect();
  });
  byId("add-place").addEventListener("click", function () {
    if (review.selection) openAdd(review.selection);
    bar.hidden = true;
  });
}

function wireReviewerName() {
  const name = byId("reviewer-name");
  if (!name) return;
  name.addEventListener("change", function () {
    const url = storyData("corrections-url").replace(/\/articles\/\d+\/corrections$/, "/reviewer");
    requestJSON(url, { name: name.value }).catch(function () {});
  });
}

/** Wire the review panel, the text selection and the reviewer's name (editors only). */
export function wireReview() {
  const panel = byId("review-panel");
  if (!panel || !canEdit()) return;
  wireActions(panel);
  wireSelection();
  wireReviewerName();
}
