/*
 * Story mode: step through the mentions in reading order (buttons, arrow keys, the
 * URL's #step-N so that the back button and deep links work), optionally with a line
 * linking the places in reading order.
 */
import { byId, el, isInt, plural, reduceMotion, scrollBehavior } from "./dom.js";
import { highlightPassage } from "./offsets.js";
import { PHONE_MAP_WIDTH, fitView, openPlace, placeKeyForMention, placeName, places, showMarker } from "./map.js";
import { showOverview } from "./overview.js";
import { announce, page, setStatus } from "./page.js";
import { stepPassageNode } from "./popup.js";
import { markActive, selectPlaceInText } from "./text.js";
import { fitMaxZoom, placeKind, stepZoom } from "./views.js";

const POPUP_ROOM = 230; // px: about a popup's height
/** Fields where the arrow keys move the caret, not the story. */
const TEXT_FIELDS = "input, textarea, select, [contenteditable]:not([contenteditable=false])";

/** The steps' store. */
export const steps = {
  buttons: [], // the .mention buttons in reading order
  step: 0, // 0: the overview; k: the k-th mention
  route: null, // the polyline in reading order, when shown
  pendingOpen: null, // opens the step's place when the map's flight ends
  openKey: null, // the place the last step opened
};

/** The step the URL's hash names: #step-N, #mention-<id> (place page), #at-<start> (library map). */
export function stepFromHash() {
  const m = /^#step-(\d+)$/.exec(window.location.hash || "");
  if (m) return Math.min(Number(m[1]), steps.buttons.length);
  const mm = /^#(mention|at)-(\d+)$/.exec(window.location.hash || "");
  if (mm) {
    const attr = mm[1] === "at" ? "data-start" : "data-mention-id";
    for (let i = 0; i < steps.buttons.length; i++) {
      if (steps.buttons[i].getAttribute(attr) === mm[2]) return i + 1;
    }
  }
  return null;
}

/** Make step k the current one in the controls. */
export function setStepLabel(k) {
  const label = byId("step-label");
  const n = steps.buttons.length;
  steps.step = k;
  if (label) {
    if (k === 0) label.textContent = "Overview · " + plural(n, "step");
    else label.textContent = "Step " + k + " of " + n + ": " + steps.buttons[k - 1].textContent;
  }
  const prev = byId("step-prev");
  const next = byId("step-next");
  if (prev) prev.setAttribute("aria-disabled", k === 0 ? "true" : "false");
  if (next) next.setAttribute("aria-disabled", k >= n ? "true" : "false");
}

/** The step's mention button, if any, is the one clicked: keep the controls in step. */
export function followMention(mention) {
  const idx = steps.buttons.indexOf(mention);
  if (idx >= 0) setStepLabel(idx + 1);
}

function markStepPlace(key) {
  const old = places.stepKey && places.stepKey !== key ? places.stepKey : null;
  if (old) {
    const marker = places.markers[old];
    if (marker) {
      const path = marker.getElement && marker.getElement();
      if (path) path.classList.remove("is-step");
      marker.closeTooltip();
      if (places.labels[old]) marker.setTooltipContent(el("span", null, places.labels[old]));
    }
    selectPlaceInText(old, false);
  }
  places.stepKey = key;
  if (key) selectPlaceInText(key, true); // the list of places follows the story
  const marker = key ? places.markers[key] : null;
  const path = marker && marker.getElement && marker.getElement();
  if (path) path.classList.add("is-step");
}

function cancelFlight() {
  if (steps.pendingOpen && places.map) places.map.off("moveend", steps.pendingOpen);
  steps.pendingOpen = null;
}

/**
 * Run `then` once the step's flight, if one is under way, has landed (the step's own popup
 * is then not opened): a place clicked mid-flight opens after it, not into a moving map
 * whose clusters are about to change.
 */
export function afterFlight(then) {
  if (!steps.pendingOpen || !places.map) {
    then();
    return;
  }
  cancelFlight();
  places.map.once("moveend", then);
}

function goOverview(n) {
  markStepPlace(null);
  markActive(null);
  cancelFlight();
  highlightPassage(page.textEl, null, null);
  if (places.map) places.map.closePopup();
  showOverview(true);
  const count = Object.keys(places.markers).length;
  announce("Overview: " + plural(count, "place") + " on the map, " + plural(n, "mention") + " in the story. Press Next or the right arrow key to begin.");
}

function highlightStep(mention, m) {
  if (isInt(m.passage_start) && typeof m.passage === "string") {
    highlightPassage(page.textEl, m.passage_start, m.passage_start + m.passage.length);
  } else {
    highlightPassage(page.textEl, Number(mention.getAttribute("data-start")), Number(mention.getAttribute("data-end")));
  }
}

/** Open the step's place: its popup, or on a phone its tooltip quoting the step's passage. */
function openStepPlace(marker, key, start, shown) {
  const map = places.map;
  if (map.getSize().x < PHONE_MAP_WIDTH) {
    showMarker(marker, function () {
      map.closePopup();
      marker.setTooltipContent(stepPassageNode(places.features[key], start));
      marker.openTooltip(marker.getLatLng());
      shown();
    });
  } else {
    openPlace(key, start, shown);
  }
}

/** Show a place as its kind asks: fit its outline, or centre it at its kind's zoom. */
function viewPlace(key, marker, animate) {
  const map = places.map;
  const f = places.features[key] || {};
  const kind = placeKind(f.properties || {});
  const tiles = map.getContainer().closest(".story-map[data-tiles=osm]") !== null;
  if (places.areas[key]) {
    // Room above the outline for the popup, which opens at its middle.
    const room = Math.min(POPUP_ROOM, map.getSize().y * 0.4);
    fitView(L.latLngBounds(places.areas[key].bounds), fitMaxZoom(kind, tiles), animate, room);
  } else if (animate) {
    map.flyTo(marker.getLatLng(), stepZoom(kind, tiles), { duration: 0.8 });
  } else {
    map.setView(marker.getLatLng(), stepZoom(kind, tiles), { animate: false });
  }
}

/** Fly to the step's place; only the latest step opens it (quick key presses cancel earlier flights). */
function flyToStep(k, marker, key, start, shown) {
  const map = places.map;
  cancelFlight();
  map.stop();
  if (places.stepKey !== steps.openKey) map.closePopup(); // not the last step's popup over the flight
  steps.openKey = key;
  if (reduceMotion) {
    viewPlace(key, marker, false);
    openStepPlace(marker, key, start, shown);
    return;
  }
  steps.pendingOpen = function () {
    steps.pendingOpen = null;
    if (steps.step === k) openStepPlace(marker, key, start, shown);
  };
  map.once("moveend", steps.pendingOpen);
  viewPlace(key, marker, true);
}

function goMention(k, n) {
  const mention = steps.buttons[k - 1];
  const start = mention.getAttribute("data-start");
  const key = placeKeyForMention(mention);
  markStepPlace(key);
  const m = places.mentionByStart[start] || {};
  markActive(mention);
  highlightStep(mention, m);
  mention.scrollIntoView({ behavior: scrollBehavior(), block: "center" });
  const f = places.features[key];
  const marker = places.markers[key];
  const name = placeName(key, mention.textContent);
  const where = f && f.properties && f.properties.country_code ? name + ", " + f.properties.country_code : name;
  if (marker && places.map) {
    setStatus("Going to " + name + "…");
    flyToStep(k, marker, key, start, function () {
      if (steps.step === k) setStatus("Showing " + name + " on the map.");
    });
    announce("Step " + k + " of " + n + ": " + where + ". " + (m.passage || ""));
  } else {
    if (places.map) places.map.closePopup();
    announce("Step " + k + " of " + n + ": " + mention.textContent + ", not on the map. " + (m.passage || ""));
    setStatus("“" + mention.textContent + "” could not be placed on the map.");
  }
}

/** Go to step k (0: the overview); `push` adds it to the browser's history. */
export function goStep(k, push) {
  const n = steps.buttons.length;
  k = Math.max(0, Math.min(n, k));
  if (push && k !== steps.step) {
    try {
      history.pushState({ step: k }, "", "#step-" + k);
    } catch (e) {
      /* file: or sandboxed: stepping still works */
    }
  }
  setStepLabel(k);
  if (k === 0) goOverview(n);
  else goMention(k, n);
}

function onArrowKey(e) {
  if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
  const t = e.target;
  if (t && t.closest && t.closest(TEXT_FIELDS)) return;
  e.preventDefault();
  e.stopPropagation(); // the map's own keyboard handler would pan instead
  if (e.key === "ArrowRight" && steps.step < steps.buttons.length) goStep(steps.step + 1, true);
  if (e.key === "ArrowLeft" && steps.step > 0) goStep(steps.step - 1, true);
}

function fromLocation() {
  let k = stepFromHash();
  if (k === null) k = 0;
  if (k !== steps.step) goStep(k, false);
}

/** Wire the step controls, the arrow keys, the history and the route toggle. */
export function wireSteps() {
  steps.buttons = page.textEl ? Array.prototype.slice.call(page.textEl.querySelectorAll(".mention")) : [];
  const prev = byId("step-prev");
  const next = byId("step-next");
  if (prev) prev.addEventListener("click", function () {
    if (steps.step > 0) goStep(steps.step - 1, true);
  });
  if (next) next.addEventListener("click", function () {
    if (steps.step < steps.buttons.length) goStep(steps.step + 1, true);
  });
  document.addEventListener("keydown", onArrowKey, true); // before the map's handler
  window.addEventListener("popstate", fromLocation);
  window.addEventListener("hashchange", fromLocation);
  const route = byId("route-toggle");
  if (route) route.addEventListener("change", function () {
    showRoute(route.checked);
  });
}

/** Show (or hide) a line linking the places in reading order. */
function showRoute(on) {
  const map = places.map;
  if (!map) return;
  if (steps.route) {
    map.removeLayer(steps.route);
    steps.route = null;
  }
  if (!on) return;
  const points = [];
  let last = null;
  steps.buttons.forEach(function (b) {
    const key = placeKeyForMention(b);
    const marker = places.markers[key];
    if (!marker || key === last) return;
    last = key;
    points.push(marker.getLatLng());
  });
  steps.route = L.polyline(points, {
    color: "#1a5fb4", weight: 2.5, opacity: 0.8, dashArray: "6 6", interactive: false, className: "story-route",
  }).addTo(map);
  steps.route.bringToBack();
  setStatus("A line links " + plural(points.length, "stop") + " in reading order.");
}
