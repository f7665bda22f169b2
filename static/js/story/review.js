/*
 * Review and correction (editors only): the review tools for a mention (confirm, not a
 * place, change to a candidate or a gazetteer search result), adding a place on text
 * the reader selects, and the notice shown after the page reloads with the change.
 */
import { requestJSON } from "./api.js";
import { byId, button, cssEscape, each, el, percent, plural, reduceMotion, scrollBehavior, text } from "./dom.js";
import { textOffset } from "./offsets.js";
import { places } from "./map.js";
import { announce, canEdit, page, setStatus, storyData } from "./page.js";
import { markActive } from "./text.js";

const NOTICE_KEY = "story-notice";
const MAX_SELECTION = 120;

/** The review's store. */
const review = {
  current: null, // {mode: "mention"|"add", mentionId, start, end, surface}
  candidateLayer: null, // the candidates' markers on the map
  searchSeq: 0, // the latest gazetteer search (older answers are dropped)
  selection: null, // the text selected for "Add place"
};

function reviewer() {
  const input = byId("reviewer-name");
  return input ? input.value.trim() : "";
}

function clearCandidates() {
  if (review.candidateLayer && places.map) places.map.removeLayer(review.candidateLayer);
  review.candidateLayer = null;
}

function candidateMarker(c, i, count) {
  const m = L.circleMarker([c.lat, c.lon], {
    radius: 9, color: "#1a5fb4", weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.9,
    className: "candidate-marker",
  });
  m.bindTooltip(el("span", null, i + 1 + ". " + c.label), { permanent: count <= 6, direction: "right" });
  m.on("click", function () {
    choose(c);
  });
  return m;
}

/** The candidates on the map, numbered as in the list. */
function showCandidates(list) {
  clearCandidates();
  const map = places.map;
  if (!map || !list.length) return;
  map.closePopup(); // the candidates need the room
  const group = L.featureGroup();
  list.forEach(function (c, i) {
    if (isFinite(c.lat) && isFinite(c.lon)) group.addLayer(candidateMarker(c, i, list.length));
  });
  review.candidateLayer = group.addTo(map);
  const bounds = group.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7, animate: !reduceMotion });
}

function candidateButton(c, i) {
  const b = button("candidate-button", null, "Change to " + c.label);
  b.setAttribute("data-place-id", c.place_id);
  b.appendChild(el("span", "candidate-n", i + 1 + "."));
  b.appendChild(text(" " + c.label));
  const bits = [];
  if (c.feature_code) bits.push(c.feature_code);
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

/** POST a correction, then reload the page and announce `message` there. */
function submitCorrection(body, message) {
  body.reviewer = reviewer();
  setStatus("Saving…");
  return requestJSON(storyData("corrections-url"), body)
    .then(function (data) {
      const n = data.touched || 0;
      try {
        sessionStorage.setItem(NOTICE_KEY, message + (n > 1 ? " (" + n + " mentions)" : "") + ".");
      } catch (e) {
        /* private mode: no notice after the reload */
      }
      window.location.reload();
    })
    .catch(function (err) {
      setStatus("Could not save: " + err.message);
      announce("Could not save: " + err.message);
    });
}

function applyAll() {
  const box = byId("apply-all");
  const label = byId("apply-all-label");
  return !!(box && box.checked && label && !label.hidden);
}

function choose(c) {
  const r = review.current;
  if (!r) return;
  if (r.mode === "add") {
    submitCorrection({ action: "add", start: r.start, end: r.end, place_id: c.place_id },
      "Added “" + r.surface + "” as " + c.label);
  } else {
    submitCorrection({ action: "change", mention_id: r.mentionId, place_id: c.place_id, apply_all: applyAll() },
      "Changed “" + r.surface + "” to " + c.label);
  }
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
  showCandidates(data.candidates || []);
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
      showCandidates(list);
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

/** After a correction reloaded the page: say what changed. */
export function showNotice() {
  let msg = null;
  try {
    msg = sessionStorage.getItem(NOTICE_KEY);
    sessionStorage.removeItem(NOTICE_KEY);
  } catch (e) {
    msg = null;
  }
  if (msg) {
    setStatus(msg);
    announce(msg);
  }
}
