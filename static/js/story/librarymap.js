/*
 * The library map (/map): every story's places on one map, one marker per place with
 * the passages of every story shown, filtered by the story checkboxes.
 */
import { fetchGeoJSON } from "./api.js";
import { byId, each, el, isInt, plural, text } from "./dom.js";
import { fitAll, makeMarker, newLayer, places, sortMarkers } from "./map.js";
import { setStatus, storyData } from "./page.js";
import { wireHover } from "./linking.js";

const FILTER_BOXES = ".article-filter input[type=checkbox]";

/** article id -> {title, url, box} from the filter's checkboxes. */
function articleInfo() {
  const info = {};
  each(document.querySelectorAll(FILTER_BOXES), function (box) {
    info[box.value] = { title: box.getAttribute("data-title") || "", url: box.getAttribute("data-url") || "", box: box };
  });
  return info;
}

function newPlace(key, f, p) {
  return {
    type: "Feature",
    geometry: f.geometry,
    properties: { place_key: key, name: p.name, country_code: p.country_code, geonameid: p.geonameid,
      mentions: [], articles: {}, reviewed: true, uncertain: false },
  };
}

/** One feature per place over the shown stories; its mentions know their story. */
function combine(features, info, shown) {
  const combined = {};
  const order = [];
  features.forEach(function (f) {
    const p = f.properties || {};
    const aid = String(p.article_id);
    if (!shown[aid] || !f.geometry || f.geometry.type !== "Point") return;
    const key = String(p.place_key);
    let c = combined[key];
    if (!c) {
      c = combined[key] = newPlace(key, f, p);
      order.push(key);
    }
    c.properties.articles[aid] = true;
    c.properties.reviewed = c.properties.reviewed && !!p.reviewed;
    c.properties.uncertain = c.properties.uncertain || !!p.uncertain;
    (p.mentions || []).forEach(function (m) {
      const copy = Object.assign({}, m, { article_id: Number(aid), article_title: info[aid] ? info[aid].title : "" });
      if (info[aid] && info[aid].url) copy.article_url = info[aid].url + (isInt(m.start) ? "#at-" + m.start : "");
      c.properties.mentions.push(copy);
    });
  });
  order.sort(function (a, b) {
    return combined[b].properties.mentions.length - combined[a].properties.mentions.length;
  });
  return order.map(function (key) {
    return combined[key];
  });
}

/** The list item of a place: its name, country and how many mentions in how many stories. */
function placeItem(key, p) {
  const li = el("li");
  const b = el("button", "place-button");
  b.type = "button";
  b.setAttribute("data-place-key", key);
  b.appendChild(el("span", "place-name", p.name));
  if (p.country_code) {
    b.appendChild(text(" "));
    b.appendChild(el("span", "cc", p.country_code));
  }
  b.appendChild(text(" "));
  const count = el("span", "count", "×" + p.mentions.length);
  const stories = Object.keys(p.articles).length;
  count.setAttribute("aria-label", plural(p.mentions.length, "mention") + " in " + plural(stories, "story"));
  b.appendChild(count);
  li.appendChild(b);
  return li;
}

function addPlace(map, f, list) {
  const p = f.properties;
  const key = p.place_key;
  p.mentions.sort(function (a, b) {
    return b.article_id - a.article_id || a.start - b.start; // newest story first
  });
  places.features[key] = f;
  const marker = makeMarker(map, key, f, f.geometry.coordinates[1], f.geometry.coordinates[0], p.mentions.length);
  places.layer.addLayer(marker);
  places.markers[key] = marker;
  if (list) list.appendChild(placeItem(key, p));
}

/** Draw the places of the checked stories, and their list. */
function renderLibrary(map, features) {
  const info = articleInfo();
  const shown = {};
  Object.keys(info).forEach(function (id) {
    if (info[id].box.checked) shown[id] = true;
  });
  if (places.layer) map.removeLayer(places.layer);
  places.markers = {};
  places.features = {};
  places.layer = newLayer(map);
  const combined = combine(features, info, shown);
  const list = byId("library-places");
  if (list) list.textContent = "";
  combined.forEach(function (f) {
    addPlace(map, f, list);
  });
  sortMarkers();
  fitAll(false);
  const stories = Object.keys(shown).length;
  setStatus(plural(combined.length, "place") + " from " + plural(stories, "story").replace("storys", "stories") + " on the map.");
}

/** Load the library's GeoJSON and wire the story filter; resolves once the places are drawn. */
export function initLibrary(map) {
  let features = [];
  document.addEventListener("change", function (e) {
    if (e.target.closest && e.target.closest(".article-filter")) renderLibrary(map, features);
  });
  each(document.querySelectorAll("[data-filter-all]"), function (b) {
    b.addEventListener("click", function () {
      const on = b.getAttribute("data-filter-all") === "on";
      each(document.querySelectorAll(FILTER_BOXES), function (box) {
        box.checked = on;
      });
      renderLibrary(map, features);
    });
  });
  wireHover(byId("library-places"), ".place-button");
  setStatus("Loading places…");
  return fetchGeoJSON(storyData("geojson-url"))
    .then(function (collection) {
      features = (collection && collection.features) || [];
      renderLibrary(map, features);
    })
    .catch(function () {
      setStatus("The places could not be loaded.");
    });
}
