/*
 * The review's side of the map: candidate places as numbered pins (not circles, so they
 * never look like the "uncertain" hollow markers), each labelled "name, admin-1, country",
 * a legend while they are shown, and "place on map" (the next click on the map gives a point).
 */
import { el, reduceMotion } from "./dom.js";
import { places } from "./map.js";
import { distanceKm } from "./views.js";

/** Up to this many candidates, every pin's label stays shown (else only the first's, and on hover). */
const PERMANENT_LABELS = 6;

/** Candidates farther than this from the first (the best) are pinned but left out of the view. */
const FIT_KM = 1000;

/** The review map's store. */
const reviewMap = {
  layer: null, // the candidates' pins
  legend: null, // the legend control shown with them
  placing: null, // {onPoint, onCancel, marker} while "place on map" waits for a click
};

/** "Homs, Ḩimş, Syria · city": what a candidate's pin, tooltip and button say. */
export function candidateLabel(c) {
  return c.label + (c.kind ? " · " + c.kind : "");
}

/** The pin's shape (a rotated square with one sharp corner) and its number, upright. */
function pinNode(n, className) {
  const pin = el("span", className);
  pin.appendChild(el("span", null, n));
  return pin;
}

/**
 * The candidates the view fits: the first (the best) and those within FIT_KM of it, so that a
 * strong match is shown up close however far its namesakes lie (they keep their pins).
 */
export function candidatesInView(list) {
  const located = list.filter(function (c) {
    return isFinite(c.lat) && isFinite(c.lon);
  });
  if (!located.length) return [];
  const best = [located[0].lat, located[0].lon];
  return located.filter(function (c) {
    return distanceKm(best, [c.lat, c.lon]) <= FIT_KM;
  });
}

function legendControl(further) {
  const control = L.control({ position: "bottomleft" });
  control.onAdd = function () {
    const box = el("div", "candidate-legend leaflet-bar");
    box.setAttribute("data-legend", "candidates");
    box.appendChild(pinNode("1", "candidate-pin candidate-pin-sample"));
    box.appendChild(el("span", null, " candidate place: click to choose"));
    if (further) box.appendChild(el("span", "candidate-further", " · +" + further + " further away"));
    return box;
  };
  return control;
}

function candidatePin(c, i, count, choose) {
  const icon = L.divIcon({
    className: "candidate-pin-icon",
    html: pinNode(String(i + 1), "candidate-pin"),
    iconSize: [26, 26],
    iconAnchor: [13, 26],
    tooltipAnchor: [12, -14],
  });
  const pin = L.marker([c.lat, c.lon], {
    icon: icon,
    title: i + 1 + ". " + candidateLabel(c),
    alt: "Candidate " + (i + 1) + ": " + candidateLabel(c),
    keyboard: true,
    riseOnHover: true,
    zIndexOffset: 1000,
  });
  pin.bindTooltip(el("span", "candidate-tooltip", i + 1 + ". " + candidateLabel(c)), {
    permanent: count <= PERMANENT_LABELS || i === 0, // the best one is always named
    direction: "auto", // right of the pin, or left of it in the map's right half (never cut at the edge)
    className: "candidate-label",
  });
  pin.on("click", function () {
    choose(c);
  });
  pin.on("add", function () {
    const node = pin.getElement && pin.getElement();
    if (node) node.setAttribute("data-place-id", c.place_id);
  });
  return pin;
}

/** Take the candidates (and their legend) off the map. */
export function clearCandidates() {
  const map = places.map;
  if (reviewMap.layer && map) map.removeLayer(reviewMap.layer);
  if (reviewMap.legend && map) map.removeControl(reviewMap.legend);
  reviewMap.layer = null;
  reviewMap.legend = null;
}

/** The candidates on the map, numbered as in the list; `choose(c)` when one is clicked. */
export function showCandidates(list, choose) {
  clearCandidates();
  const map = places.map;
  if (!map || !list.length) return;
  map.closePopup(); // the candidates need the room
  const group = L.featureGroup();
  list.forEach(function (c, i) {
    if (isFinite(c.lat) && isFinite(c.lon)) group.addLayer(candidatePin(c, i, list.length, choose));
  });
  const inView = candidatesInView(list);
  reviewMap.layer = group.addTo(map);
  reviewMap.legend = legendControl(group.getLayers().length - inView.length).addTo(map);
  const bounds = L.latLngBounds(inView.map(function (c) {
    return [c.lat, c.lon];
  }));
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7, animate: !reduceMotion });
}

function onMapClick(e) {
  const p = reviewMap.placing;
  if (!p) return;
  stopPlacing();
  p.onPoint(e.latlng);
}

function onKey(e) {
  if (e.key === "Escape" && reviewMap.placing) {
    const cancel = reviewMap.placing.onCancel;
    stopPlacing();
    if (cancel) cancel();
  }
}

/** Wait for a click on the map (Escape cancels): `onPoint(latlng)` then gets the point. */
export function startPlacing(onPoint, onCancel) {
  const map = places.map;
  if (!map) return false;
  stopPlacing();
  clearCandidates();
  map.closePopup();
  reviewMap.placing = { onPoint: onPoint, onCancel: onCancel };
  map.getContainer().classList.add("is-placing");
  map.on("click", onMapClick);
  document.addEventListener("keydown", onKey);
  return true;
}

/** Leave "place on map" without a point. */
export function stopPlacing() {
  const map = places.map;
  reviewMap.placing = null;
  if (!map) return;
  map.getContainer().classList.remove("is-placing");
  map.off("click", onMapClick);
  document.removeEventListener("keydown", onKey);
}

/** Whether "place on map" waits for a click. */
export function isPlacing() {
  return !!reviewMap.placing;
}
