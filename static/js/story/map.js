/*
 * The map's side of the page: the Leaflet map made by folium's script, one circle
 * marker per place, their popups (built by the function in places.popup), hover and
 * selection styles, fitting the view. Leaflet (L) is a global from the vendored script.
 */
import { revealMarker } from "./clusters.js";
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
  area: { color: "#7a2e0e", weight: 1.5, fillColor: "#e8590c", fillOpacity: 0.16, dashArray: null },
};

/** Maps narrower than this (px) are a phone's. */
export const PHONE_MAP_WIDTH = 500;

/** From this zoom on, outlines are drawn almost without fill. */
const AREA_FADE_ZOOM = 8;

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
  areas: {}, // place_key -> {polygons, bounds}: places drawn as shaded outlines (outlines.js)
  areaLayer: null, // the (unclustered) group of the outlines
  labels: {}, // place_key -> the marker's tooltip text
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

/** On a phone a popup or step tooltip opens near the top: keep the zoom buttons out of its way. */
function placeZoomControl(map, container) {
  const where = container.clientWidth < PHONE_MAP_WIDTH ? "bottomright" : "topleft";
  if (map.zoomControl && map.zoomControl.getPosition() !== where) map.zoomControl.setPosition(where);
}

/** Use folium's map, and keep its size right when its container changes. */
export function attachMap(map, container) {
  places.map = map;
  trackMotion(map, container);
  placeZoomControl(map, container);
  // folium's script runs before the rest of the page is parsed, so the map measured
  // its container in a provisional layout: measure again now, and on every resize
  // of the container (Leaflet itself only watches the window).
  map.invalidateSize({ pan: false });
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      map.invalidateSize({ pan: false });
      placeZoomControl(map, container);
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
  places.labels[key] = label;
  wireMarker(marker, key, label);
  return marker;
}

/** The point a place's popup opens at: its own point when inside its outline's bounds, else their centre. */
function anchorOf(outline, point) {
  const b = L.latLngBounds(outline.bounds);
  return point && b.contains(point) ? L.latLng(point) : b.getCenter();
}

/** A place drawn as a shaded outline (a country, an admin-1 region); it acts as the place's marker. */
export function makeArea(map, key, f, outline, point, count) {
  const p = f.properties || {};
  const area = L.polygon(outline.polygons, Object.assign({ pane: "outlines", className: "place-area" }, STYLE.area));
  const anchor = anchorOf(outline, point);
  area.getLatLng = function () {
    return anchor;
  };
  area.bindPopup(function () {
    return places.popup(places.features[key]);
  }, popupOptions(map));
  const label = (p.name || "") + " · " + plural(count, "mention");
  area.bindTooltip(el("span", null, label), { direction: "top", sticky: true });
  places.labels[key] = label;
  places.areas[key] = outline;
  wireMarker(area, key, label);
  return area;
}

/** The bounds a place takes on the map: its outline's main part, or its point. */
export function placeBounds(key) {
  if (places.areas[key]) return L.latLngBounds(places.areas[key].bounds);
  const marker = places.markers[key];
  return marker ? L.latLngBounds([marker.getLatLng()]) : null;
}

/** Bigger markers behind smaller ones so every marker stays clickable. */
export function sortMarkers() {
  Object.keys(places.markers)
    .map(function (k) {
      return places.markers[k];
    })
    .filter(function (m) {
      return typeof m.getRadius === "function";
    })
    .sort(function (a, b) {
      return a.getRadius() - b.getRadius();
    })
    .forEach(function (m) {
      if (m._map) m.bringToBack();
    });
}

/** Fit the view to every place (outlines by their main part). */
export function fitAll(animate) {
  if (!places.map || !places.layer) return;
  const keys = Object.keys(places.markers);
  if (!keys.length) return;
  const bounds = L.latLngBounds([]);
  keys.forEach(function (k) {
    bounds.extend(placeBounds(k));
  });
  fitView(bounds, 6, animate);
}

/** Fit `bounds` (flying unless `animate` is false or motion is reduced); `top`: room kept above, in pixels. */
export function fitView(bounds, maxZoom, animate, top) {
  const opts = { paddingTopLeft: [28, top || 28], paddingBottomRight: [28, 28], maxZoom: maxZoom };
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
  if (places.areaLayer && places.map) places.map.removeLayer(places.areaLayer);
  places.layer = null;
  places.areaLayer = null;
  [places.markers, places.features, places.keyByStart, places.mentionByStart, places.areas, places.labels].forEach(function (o) {
    Object.keys(o).forEach(function (k) {
      delete o[k];
    });
  });
}

/** The pane and group of the shaded outlines: under the point markers, never clustered. */
function newAreaLayer(map) {
  if (!map.getPane("outlines")) {
    map.createPane("outlines").style.zIndex = 390; // over the basemap, under the markers (400)
  }
  const group = L.featureGroup().addTo(map);
  // Zoomed in to a town, a country's shading would tint the whole map: keep only its border.
  map.on("zoomend", function () {
    group.setStyle({ fillOpacity: map.getZoom() >= AREA_FADE_ZOOM ? 0.03 : STYLE.area.fillOpacity });
  });
  return group;
}

/** Put an article's GeoJSON places on the map (areas as outlines when `outlines` has them). */
export function addPlaces(map, collection, outlines) {
  const features = (collection && Array.isArray(collection.features)) ? collection.features : [];
  places.layer = newLayer(map);
  places.areaLayer = newAreaLayer(map);
  let onMap = 0;
  let offMap = 0;
  features.forEach(function (f) {
    const p = f.properties || {};
    const key = p.place_key == null ? null : String(p.place_key);
    const mentions = Array.isArray(p.mentions) ? p.mentions : [];
    if (key === null) return;
    indexFeature(key, f, mentions);
    const point = pointOf(f);
    const outline = outlines ? outlines.outline(p) : null;
    if (!point && !outline) {
      offMap += 1;
      return;
    }
    onMap += 1;
    if (outline) {
      places.markers[key] = makeArea(map, key, f, outline, point, mentions.length).addTo(places.areaLayer);
    } else {
      places.markers[key] = makeMarker(map, key, f, point[0], point[1], mentions.length);
      places.layer.addLayer(places.markers[key]);
    }
  });
  sortMarkers();
  let msg = onMap ? plural(onMap, "place") + " on the map" : "No place could be put on the map";
  if (offMap) msg += "; " + offMap + " not found";
  setStatus(msg + ".");
}

/** Run `then` once the marker is on the map: out of its cluster, or spread apart with its neighbours. */
export function showMarker(marker, then) {
  revealMarker(places.layer, marker, then);
}

/** Open a place's popup (at the passage of the mention at `start`); false if not on the map. */
export function openPlace(key, start, onShown) {
  const marker = places.markers[key];
  const map = places.map;
  if (!marker || !map) return false;
  showMarker(marker, function () {
    // Close the open popup first: its close resets the passage shown (wireMarker).
    if (!marker.isPopupOpen()) map.closePopup();
    places.currentStart = start === undefined ? null : start;
    // Pan first (without animation, so the popup's own auto-pan measures the final
    // view), then open: the popup then slides fully into view.
    if (!map.getBounds().pad(-0.1).contains(marker.getLatLng())) {
      map.panTo(marker.getLatLng(), { animate: false });
    }
    if (marker.isPopupOpen()) marker.setPopupContent(places.popup(places.features[key]));
    else marker.openPopup(marker.getLatLng());
    if (onShown) onShown();
  });
  return true;
}

/** Hover styles on a place's marker and its mentions in the text. */
export function hoverPlace(key, on) {
  const marker = places.markers[key];
  const f = places.features[key];
  if (marker && f) {
    const base = places.areas[key] ? STYLE.area : styleFor(f.properties || {});
    marker.setStyle(on ? { color: STYLE.hover.color, weight: STYLE.hover.weight } : { color: base.color, weight: base.weight });
    const path = marker.getElement && marker.getElement();
    if (path) path.classList.toggle("is-hover", on);
    if (on && marker._map && !places.areas[key]) marker.bringToFront();
  }
  if (page.textEl) hoverText(key, on);
}
