/*
 * After a correction or an undo: update the page in place from the server's review state
 * (web.review.page_state) and the article's GeoJSON, with no reload. The mention buttons,
 * the review list, the counts and the markers change; the map view and the story's step stay.
 */
import { byId, el, each, plural } from "./dom.js";
import { domPoint } from "./offsets.js";
import { addPlaces, clearPlaces, places } from "./map.js";
import { loadStoryPlaces } from "./outlines.js";
import { page, storyData } from "./page.js";
import { setStepLabel, steps } from "./steps.js";

function setButton(b, m) {
  b.className = m.class;
  b.setAttribute("data-mention-id", String(m.id));
  b.setAttribute("data-start", String(m.start));
  b.setAttribute("data-end", String(m.end));
  b.setAttribute("data-place-key", m.place_key || "");
  if (m.confidence === null || m.confidence === undefined) b.removeAttribute("data-confidence");
  else b.setAttribute("data-confidence", String(m.confidence));
  b.title = m.title;
}

/** The text position at a code-point offset, in the text node that starts there if one does. */
function pointAt(root, offset) {
  const p = domPoint(root, offset);
  if (!p || p.offset < p.node.nodeValue.length) return p;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  walker.currentNode = p.node;
  const next = walker.nextNode();
  return next ? { node: next, offset: 0 } : p;
}

/** A new mention button around [start, end) of the text, when it lies in one plain text node. */
function wrap(root, m) {
  const a = pointAt(root, m.start);
  const z = domPoint(root, m.end);
  if (!a || !z || a.node !== z.node || a.node.parentNode !== root) return;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(z.node, z.offset);
  const b = document.createElement("button");
  b.type = "button";
  range.surroundContents(b);
  setButton(b, m);
}

/** Make the text's mention buttons those of the list: update, unwrap the gone, wrap the new. */
export function syncMentions(list) {
  const root = page.textEl;
  if (!root) return;
  const want = {};
  list.forEach(function (m) {
    want[m.start + ":" + m.end] = m;
  });
  each(Array.prototype.slice.call(root.querySelectorAll(".mention")), function (b) {
    const key = b.getAttribute("data-start") + ":" + b.getAttribute("data-end");
    const m = want[key];
    if (m) {
      setButton(b, m);
      delete want[key];
    } else {
      b.replaceWith(document.createTextNode(b.textContent));
    }
  });
  root.normalize();
  Object.keys(want).forEach(function (k) {
    wrap(root, want[k]);
  });
  steps.buttons = Array.prototype.slice.call(root.querySelectorAll(".mention"));
  setStepLabel(Math.min(steps.step, steps.buttons.length));
}

function stateText(item) {
  if (item.review) {
    return "✓ " + item.review + (item.reviewed_by ? " by " + item.reviewed_by : "") +
      (item.reviewed_at ? " " + item.reviewed_at.slice(0, 16).replace("T", " ") : "");
  }
  if (item.approximate) return "? approximate";
  if (item.uncertain && !item.place_name) return "? not found";
  return (item.uncertain ? "? " : "") + item.percent + "% sure";
}

function queueItem(item) {
  const li = el("li", "review-item" + (item.uncertain ? " is-uncertain" : "") + (item.review ? " is-reviewed" : ""));
  li.setAttribute("data-mention-id", String(item.id));
  const b = el("button", "review-open");
  b.type = "button";
  b.setAttribute("data-mention-id", String(item.id));
  b.setAttribute("data-start", String(item.start));
  b.appendChild(el("span", "review-surface", item.surface));
  const arrow = el("span", "review-arrow", "→");
  arrow.setAttribute("aria-hidden", "true");
  b.appendChild(arrow);
  const where = item.place_name ? item.place_name + (item.country_code ? " " + item.country_code : "") : "not found";
  b.appendChild(el("span", "review-place", where));
  b.appendChild(el("span", "review-state", stateText(item)));
  li.appendChild(b);
  return li;
}

/** Rebuild the review list and the "N uncertain" counts. */
export function syncQueue(state) {
  const panel = byId("review-panel");
  if (!panel) return;
  let list = panel.querySelector(".review-list");
  if (!list) {
    list = el("ol", "review-list");
    list.setAttribute("aria-label", "Mentions to review, uncertain first");
    panel.insertBefore(list, panel.querySelector(".review-history"));
  }
  list.textContent = "";
  state.queue.forEach(function (item) {
    list.appendChild(queueItem(item));
  });
  const title = byId("review-title");
  if (title) {
    title.textContent = "Review";
    if (state.to_review) title.appendChild(el("span", "badge", state.to_review + " uncertain"));
  }
  const counts = byId("story-counts");
  if (counts) counts.textContent = plural(state.place_count, "place") + ", " + plural(state.mention_count, "mention");
  const status = document.querySelector(".story-header .status-review, .story-header .status-done");
  if (status) {
    status.className = "status " + (state.to_review ? "status-review" : "status-done");
    status.textContent = state.to_review ? state.to_review + " to review" : "nothing uncertain";
  }
}

/** Open a marker's popup again where it was, without panning the map. */
function reopen(marker) {
  const popup = marker.getPopup();
  const autoPan = popup.options.autoPan;
  popup.options.autoPan = false;
  marker.openPopup();
  popup.options.autoPan = autoPan;
}

/** Redraw the markers from the article's GeoJSON, keeping the view (and an open place's popup). */
export function syncPlaces() {
  const map = places.map;
  const url = storyData("geojson-url");
  if (!map || !url) return Promise.resolve();
  const open = map._popup && map._popup.isOpen && map._popup.isOpen() ? map._popup._source : null;
  let openKey = null;
  Object.keys(places.markers).forEach(function (k) {
    if (places.markers[k] === open) openKey = k;
  });
  return loadStoryPlaces(url, map.getContainer().closest(".story-map")).then(function (loaded) {
    map.closePopup();
    clearPlaces();
    addPlaces(map, loaded.collection, loaded.outlines);
    const marker = openKey !== null ? places.markers[openKey] : null;
    if (marker && marker._map) reopen(marker);
  });
}

/** Everything the page shows of the review, from page_state. */
export function applyPageState(state) {
  syncMentions(state.mentions || []);
  syncQueue(state);
  const undo = byId("review-undo");
  if (undo) {
    undo.hidden = !state.undo_depth;
    undo.setAttribute("aria-label", "Undo the last correction (" + plural(state.undo_depth, "step") + " can be undone)");
  }
  return syncPlaces();
}
