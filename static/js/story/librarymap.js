/*
 * The library map (/map): the places of the visible area at its zoom, asked of the server
 * (/map/places.geojson?bbox=w,s,e,n&zoom=z[&article=id]) after every move (debounced; a
 * newer move aborts the older request). One marker per place, or per grid cell of nearby
 * places (a cluster: clicking it zooms in); a place's popup links to its page, where every
 * passage about it is. ?article= on the page shows one story's places.
 */
import { fetchGeoJSON } from "./api.js";
import { byId, el, plural, text } from "./dom.js";
import { makeMarker, newLayer, places, sortMarkers } from "./map.js";
import { page, placeUrl, setStatus, storyData } from "./page.js";
import { wireHover } from "./linking.js";

const DEBOUNCE_MS = 250;
const CLUSTER_STYLE = { color: "#1a5fb4", weight: 2, fillColor: "#62a0ea", fillOpacity: 0.6 };

/** The area's state: the request in flight, the debounce timer, how many answers were drawn. */
const area = { controller: null, timer: null, loads: 0 };

function wrapLon(lon) {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function round(x) {
  return Math.round(x * 1e5) / 1e5;
}

/** [west, south, east, north] of Leaflet bounds, longitudes wrapped into [-180, 180]
 * (west > east across the antimeridian; the whole width when the view spans the world). */
export function bboxOf(bounds) {
  const south = Math.max(-90, bounds.getSouth());
  const north = Math.min(90, bounds.getNorth());
  const w = bounds.getWest();
  const e = bounds.getEast();
  if (e - w >= 360) return [-180, round(south), 180, round(north)];
  let west = wrapLon(w);
  let east = wrapLon(e);
  if (east === -180 && e > w) east = 180;
  return [round(west), round(south), round(east), round(north)];
}

function placesUrl(map) {
  const params = new URLSearchParams({ bbox: bboxOf(map.getBounds()).join(","), zoom: String(Math.round(map.getZoom())) });
  const article = storyData("article");
  if (article) params.set("article", article);
  return storyData("geojson-url") + "?" + params.toString();
}

/** A place's popup: its name, its counts, a link to every passage about it. */
function libraryPopup(f) {
  const p = (f && f.properties) || {};
  const box = el("div", "place-popup");
  box.setAttribute("data-place-key", p.place_key || "");
  const title = el("h3", "popup-title", p.name || "Unnamed place");
  if (p.country_code) {
    title.appendChild(text(" "));
    title.appendChild(el("span", "cc", p.country_code));
  }
  box.appendChild(title);
  box.appendChild(el("p", "popup-meta", plural(p.mention_count, "mention") + " in " + stories(p.article_count)));
  const url = placeUrl(p.place_key);
  if (url) {
    const all = el("a", "popup-place-link", "Every passage about " + (p.name || "this place"));
    all.href = url;
    box.appendChild(all);
  }
  const articleUrl = storyData("article-url");
  if (articleUrl) {
    const a = el("a", "popup-article-link", "Read the story");
    a.href = articleUrl;
    box.appendChild(a);
  }
  return box;
}

function stories(n) {
  return n === 1 ? "1 story" : n + " stories";
}

function clusterKey(f) {
  return "cluster:" + f.geometry.coordinates.join(",") + ":" + f.properties.mention_count;
}

/** A marker for a cell of several places: its size says how often they are named; clicking
 * zooms in. */
function clusterMarker(map, f) {
  const p = f.properties;
  const lat = f.geometry.coordinates[1];
  const lon = f.geometry.coordinates[0];
  const radius = Math.min(30, 9 + 2 * Math.log2(1 + p.mention_count));
  const marker = L.circleMarker([lat, lon], Object.assign({ radius: radius, className: "place-cluster" }, CLUSTER_STYLE));
  const label = "Several places · " + plural(p.mention_count, "mention");
  marker.bindTooltip(el("span", null, label + " (click to zoom in)"), { direction: "top" });
  marker.on("click", function () {
    map.setView([lat, lon], Math.min(map.getMaxZoom(), map.getZoom() + 2));
  });
  marker.on("add", function () {
    const path = marker.getElement && marker.getElement();
    if (path) path.setAttribute("aria-label", label);
  });
  return marker;
}

/** The list item of a place in view: its name, country, mentions and stories. */
function placeItem(p) {
  const li = el("li");
  const b = el("button", "place-button");
  b.type = "button";
  b.setAttribute("data-place-key", p.place_key);
  b.appendChild(el("span", "place-name", p.name));
  if (p.country_code) {
    b.appendChild(text(" "));
    b.appendChild(el("span", "cc", p.country_code));
  }
  b.appendChild(text(" "));
  const count = el("span", "count", "×" + p.mention_count);
  count.setAttribute("aria-label", plural(p.mention_count, "mention") + " in " + stories(p.article_count));
  b.appendChild(count);
  li.appendChild(b);
  return li;
}

function forget(key) {
  places.layer.removeLayer(places.markers[key]);
  delete places.markers[key];
  delete places.features[key];
}

/** One marker per feature: markers already drawn stay (an open popup stays open). */
function drawFeatures(map, features) {
  const keep = {};
  features.forEach(function (f) {
    const p = f.properties || {};
    if (!f.geometry || f.geometry.type !== "Point") return;
    const key = p.kind === "place" ? String(p.place_key) : clusterKey(f);
    keep[key] = true;
    if (places.markers[key]) return;
    places.features[key] = f;
    const lat = f.geometry.coordinates[1];
    const lon = f.geometry.coordinates[0];
    const marker = p.kind === "place" ? makeMarker(map, key, f, lat, lon, p.mention_count) : clusterMarker(map, f);
    places.markers[key] = marker;
    places.layer.addLayer(marker);
  });
  Object.keys(places.markers).forEach(function (key) {
    if (!keep[key]) forget(key);
  });
  sortMarkers();
}

function listPlaces(features) {
  const list = byId("library-places");
  if (!list) return;
  list.textContent = "";
  features.forEach(function (f) {
    if (f.properties && f.properties.kind === "place") list.appendChild(placeItem(f.properties));
  });
}

function describe(collection, features) {
  const articles = (collection.counts && collection.counts.articles) || 0;
  let lone = 0;
  features.forEach(function (f) {
    if (f.properties && f.properties.kind === "place") lone += 1;
  });
  const groups = features.length - lone;
  let msg = plural(lone, "place");
  if (groups) msg += " and " + plural(groups, "group") + " of nearby places";
  msg += " from " + stories(articles) + " on the map";
  if (collection.truncated) msg += " (the most mentioned; zoom in for the rest)";
  setStatus(msg + ".");
}

/** Ask for the visible area's places (aborting any older request) and draw them. */
function loadArea(map) {
  if (area.controller) area.controller.abort();
  const controller = window.AbortController ? new AbortController() : null;
  area.controller = controller;
  page.story.setAttribute("data-places-state", "loading");
  return fetchGeoJSON(placesUrl(map), controller ? controller.signal : undefined)
    .then(function (collection) {
      const features = (collection && Array.isArray(collection.features)) ? collection.features : [];
      drawFeatures(map, features);
      listPlaces(features);
      describe(collection, features);
      area.loads += 1;
      page.story.setAttribute("data-places-loads", String(area.loads));
      page.story.setAttribute("data-places-state", "ready");
    })
    .catch(function (err) {
      if (err && err.name === "AbortError") return;
      page.story.setAttribute("data-places-state", "failed");
      setStatus("The places could not be loaded.");
    });
}

/** The first view: the area of every place (from the page), else the world. */
function firstView(map) {
  const raw = storyData("bounds");
  const b = raw ? raw.split(",").map(Number) : [];
  if (b.length === 4 && b.every(isFinite)) {
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [28, 28], maxZoom: 6, animate: false });
  } else {
    map.setView([20, 0], 2, { animate: false });
  }
}

/** Show the first view's places, then follow the map's moves; resolves once drawn. */
export function initLibrary(map) {
  places.layer = newLayer(map);
  places.popup = libraryPopup;
  wireHover(byId("library-places"), ".place-button");
  setStatus("Loading places…");
  firstView(map);
  const first = loadArea(map);
  map.on("moveend", function () {
    clearTimeout(area.timer);
    area.timer = setTimeout(function () {
      loadArea(map);
    }, DEBOUNCE_MS);
  });
  return first;
}
