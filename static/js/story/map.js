/*
 * The map's side of the page: the Leaflet map made by folium's script, one circle
 * marker per place, their popups (built by the function in places.popup), hover and
 * selection styles, fitting the view. Leaflet (L) is a global from the vendored script.
 */
import { el, isInt, plural, reduceMotion } from "./dom.js";
import { page, setStatus } from "./page.js";
import { hoverText, selectPlaceInText } from "./text.js";

const GEONAMES_ATTRIBUTION =
  'Places: <a href="https://www.geonames.org/">GeoNames</a> ' +
  '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)';

const STYLE = {
  normal: { color: "#7a2e0e", weight: 1.5, fillColor: "#e8590c", fillOpacity: 0.72, dashArray: null },
  uncertain: { color: "#7a2e0e", weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.15, dashArray: "4 3" },
  reviewed: { color: "#1d5b2a", weight: 2.5, fillColor: "#e8590c", fillOpacity: 0.72, dashArray: null },
  hover: { color: "#1a5fb4", weight: 4 },
};

/** The map's store. */
export const places = {
  map: null,
  layer: null, // the cluster group (or feature group) holding the place markers
  markers: {}, // place_key -> L.CircleMarker
  features: {}, // place_key -> GeoJSON feature
  keyByStart: {}, // mention start offset (string) -> place_key, from the GeoJSON
  mentionByStart: {}, // start (string) -> the GeoJSON mention
  currentStart: null, // the text mention that opened the current popup
  stepKey: null, // the place of the current story step (steps.js)
  popup: null, // feature -> the popup's DOM node (set by main.js)
};

/** Say on the container whether the map is moving (data-map-motion: "moving" or "still"). */
function trackMotion(map, container) {
  container.setAttribute("data-map-motion", "still");
  map.on("movestart", function () {
    container.setAttribute("data-map-motion", "moving");
  });
  map.on("moveend", function () {
    container.setAttribute("data-map-motion", "still");
  });
}

/** Use folium's map, and keep its size right when its container changes. */
export function attachMap(map, container) {
  places.map = map;
  trackMotion(map, container);
  // folium's script runs before the rest of the page is parsed, so the map measured
  // its container in a provisional layout: measure again now, and on every resize
  // of the container (Leaflet itself only watches the window).
  map.invalidateSize({ pan: false });
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      map.invalidateSize({ pan: false });
    }).observe(container);
  }
}

/** The place key of a mention button: the GeoJSON's, else the text's own attribute. */
export function placeKeyForMention(mention) {
  const fromGeojson = places.keyByStart[mention.getAttribute("data-start")];
  return fromGeojson !== undefined ? fromGeojson : mention.getAttribute("data-place-key");
}

/** The name of a place (from its feature), else `fallback`. */
export function placeName(key, fallback) {
  const f = places.features[key];
  return (f && f.properties && f.properties.name) || fallback;
}

/** A new layer for the place markers (clustered when the plugin is there), on the map. */
export function newLayer(map) {
  let layer;
  if (L.markerClusterGroup) {
    layer = L.markerClusterGroup({
      maxClusterRadius: 32, // only places that would overlap are grouped
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      zoomToBoundsOnClick: true,
    });
  } else {
    layer = L.featureGroup();
  }
  layer.getAttribution = function () {
    return GEONAMES_ATTRIBUTION;
  };
  map.attributionControl.addAttribution(GEONAMES_ATTRIBUTION);
  return layer.addTo(map);
}

function radiusFor(count) {
  return Math.min(26, 6 + 4 * Math.sqrt(Math.max(1, count)));
}

function styleFor(p) {
  if (p.reviewed) return STYLE.reviewed;
  if (p.uncertain || p.approximate) return STYLE.uncertain;
  return STYLE.normal;
}

function markerOptions(p, count) {
  const style = styleFor(p);
  const uncertain = style === STYLE.uncertain;
  return {
    radius: radiusFor(count),
    color: style.color,
    weight: style.weight,
    fillColor: style.fillColor,
    fillOpacity: style.fillOpacity,
    dashArray: style.dashArray,
    className: "place-marker" + (uncertain ? " place-marker-uncertain" : "") + (p.reviewed ? " place-marker-reviewed" : ""),
  };
}

function popupOptions(map) {
  return {
    maxWidth: Math.max(200, Math.min(340, map.getSize().x - 70)),
    minWidth: Math.min(220, Math.max(160, map.getSize().x - 90)),
    maxHeight: Math.max(160, Math.min(320, map.getSize().y - 90)),
    autoPanPadding: [16, 16],
  };
}

function wireMarker(marker, key, label) {
  marker.on("popupopen", function () {
    selectPlaceInText(key, true);
  });
  marker.on("popupclose", function () {
    selectPlaceInText(key, false);
    places.currentStart = null;
  });
  marker.on("mouseover", function () {
    hoverPlace(key, true);
  });
  marker.on("mouseout", function () {
    hoverPlace(key, false);
  });
  marker.on("add", function () {
    const path = marker.getElement && marker.getElement();
    if (path) {
      path.setAttribute("data-place-key", key);
      path.setAttribute("aria-label", label);
      path.classList.toggle("is-step", places.stepKey === key);
    }
  });
}

/** The circle marker of a place, with its popup, tooltip and links to the text. */
export function makeMarker(map, key, f, lat, lon, count) {
  const p = f.properties || {};
  const options = markerOptions(p, count);
  const marker = L.circleMarker([lat, lon], options);
  marker.bindPopup(function () {
    return places.popup(places.features[key]);
  }, popupOptions(map));
  const uncertain = styleFor(p) === STYLE.uncertain;
  const label = (p.name || "") + (uncertain ? " (uncertain)" : "") + " · " + plural(count, "mention");
  marker.bindTooltip(el("span", null, label), { direction: "top", offset: [0, -options.radius] });
  wireMarker(marker, key, label);
  return marker;
}

/** Bigger markers behind smaller ones so every marker stays clickable. */
export function sortMarkers() {
  Object.keys(places.markers)
    .map(function (k) {
      return places.markers[k];
    })
    .sort(function (a, b) {
      return a.getRadius() - b.getRadius();
    })
    .forEach(function (m) {
      if (m._map) m.bringToBack();
    });
}

/** Fit the view to every marker. */
export function fitAll(animate) {
  if (!places.map || !places.layer) return;
  const keys = Object.keys(places.markers);
  if (!keys.length) return;
  const bounds = L.latLngBounds(keys.map(function (k) {
    return places.markers[k].getLatLng();
  }));
  const opts = { padding: [28, 28], maxZoom: 6 };
  if (animate && !reduceMotion && places.map.flyToBounds) places.map.flyToBounds(bounds, opts);
  else places.map.fitBounds(bounds, Object.assign({ animate: false }, opts));
}

/** [lat, lon] of a Point feature, or null. */
function pointOf(f) {
  const g = f.geometry;
  if (!g || g.type !== "Point" || !Array.isArray(g.coordinates)) return null;
  const lon = Number(g.coordinates[0]);
  const lat = Number(g.coordinates[1]);
  return isFinite(lat) && isFinite(lon) ? [lat, lon] : null;
}

function indexFeature(key, f, mentions) {
  places.features[key] = f;
  mentions.forEach(function (m) {
    if (m && isInt(m.start)) {
      places.keyByStart[String(m.start)] = key;
      places.mentionByStart[String(m.start)] = m;
    }
  });
}

/** Take every place off the map and out of the store (the store's objects stay the same). */
export function clearPlaces() {
  if (places.layer && places.map) places.map.removeLayer(places.layer);
  places.layer = null;
  [places.markers, places.features, places.keyByStart, places.mentionByStart].forEach(function (o) {
    Object.keys(o).forEach(function (k) {
      delete o[k];
    });
  });
}

/** Put an article's GeoJSON places on the map and say how many are there (keepView: no fit). */
export function addPlaces(map, collection, keepView) {
  const features = (collection && Array.isArray(collection.features)) ? collection.features : [];
  places.layer = newLayer(map);
  let onMap = 0;
  let offMap = 0;
  features.forEach(function (f) {
    const p = f.properties || {};
    const key = p.place_key == null ? null : String(p.place_key);
    const mentions = Array.isArray(p.mentions) ? p.mentions : [];
    if (key === null) return;
    indexFeature(key, f, mentions);
    const point = pointOf(f);
    if (!point) {
      offMap += 1;
      return;
    }
    onMap += 1;
    const marker = makeMarker(map, key, f, point[0], point[1], mentions.length);
    places.layer.addLayer(marker);
    places.markers[key] = marker;
  });
  sortMarkers();
  if (onMap && !keepView) fitAll(false);
  let msg = onMap ? plural(onMap, "place") + " on the map" : "No place could be put on the map";
  if (offMap) msg += "; " + offMap + " not found";
  setStatus(msg + ".");
}

/** Run `then` once the marker is on the map (out of its cluster). */
export function showMarker(marker, then) {
  if (places.layer && places.layer.zoomToShowLayer && places.layer.hasLayer(marker) && !marker._map) {
    places.layer.zoomToShowLayer(marker, then);
  } else {
    then();
  }
}

/** Open a place's popup (at the passage of the mention at `start`); false if not on the map. */
export function openPlace(key, start) {
  const marker = places.markers[key];
  const map = places.map;
  if (!marker || !map) return false;
  places.currentStart = start === undefined ? null : start;
  showMarker(marker, function () {
    // Pan first (without animation, so the popup's own auto-pan measures the final
    // view), then open: the popup then slides fully into view.
    if (!map.getBounds().pad(-0.1).contains(marker.getLatLng())) {
      map.panTo(marker.getLatLng(), { animate: false });
    }
    if (marker.isPopupOpen()) marker.setPopupContent(places.popup(places.features[key]));
    else marker.openPopup();
  });
  return true;
}

/** Hover styles on a place's marker and its mentions in the text. */
export function hoverPlace(key, on) {
  const marker = places.markers[key];
  const f = places.features[key];
  if (marker && f) {
    const base = styleFor(f.properties || {});
    marker.setStyle(on ? { color: STYLE.hover.color, weight: STYLE.hover.weight } : { color: base.color, weight: base.weight });
    const path = marker.getElement && marker.getElement();
    if (path) path.classList.toggle("is-hover", on);
    if (on && marker._map) marker.bringToFront();
  }
  if (page.textEl) hoverText(key, on);
}
