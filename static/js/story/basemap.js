/*
 * The offline basemap, all from our own static files, drawn with Leaflet's canvas renderer
 * in panes under the places: land on a sea-coloured map (Natural Earth 1:50m countries,
 * .story-map[data-basemap-url]), lakes and rivers ([data-water-url], from zoom 3), from
 * zoom 4 the 1:10m admin-1 file ([data-admin1-url]: land, coasts, admin-1 borders thin and
 * dashed, country borders) in place of the 1:50m land, and place labels by zoom from our
 * gazetteer (labels.js, [data-labels-url]). TopoJSON is turned
 * into GeoJSON by topojson-client (the global topojson). The container's
 * data-basemap-layers lists what is drawn (for tests and the console).
 */
import { fetchJSON } from "./api.js";
import { addLabels } from "./labels.js";

const NATURAL_EARTH_ATTRIBUTION =
  'Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';

/** Panes (z-index) from the bottom: land, water, admin-1 borders, country borders. */
const PANES = { basemap: 150, "basemap-water": 155, "basemap-admin1": 160, "basemap-borders": 170 };
const STYLE = {
  land: { color: "#9fb3c8", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
  land10: { stroke: false, fillColor: "#f4f1ea", fillOpacity: 1 },
  coast: { color: "#9fb3c8", weight: 0.6, fill: false },
  lakes: { color: "#9fb3c8", weight: 0.5, fillColor: "#b9d3e8", fillOpacity: 1 },
  rivers: { color: "#6f9fcf", weight: 1.1, opacity: 0.9, fill: false },
  admin1: { color: "#a08fa8", weight: 0.8, dashArray: "4 3", fill: false },
  borders: { color: "#8a7a6a", weight: 1.2, fill: false },
};
/** The zoom from which each lazily loaded layer is drawn. */
const MIN_ZOOM = { water: 3, admin1: 4 };
/** One canvas renderer per map and pane. */
const RENDERERS = new WeakMap();

/** The sign of the nearest neighbour that is not at ±180, or null. */
function nearestSign(ring, i) {
  const n = ring.length;
  for (let d = 1; d < n; d++) {
    const a = ring[(i - d + n) % n][0];
    const b = ring[(i + d) % n][0];
    const ref = Math.abs(a) < 180 ? a : Math.abs(b) < 180 ? b : null;
    if (ref !== null) return ref < 0 ? -1 : 1;
  }
  return null;
}

/*
 * Natural Earth rings that cross the antimeridian (Russia, Fiji) or wrap the pole
 * (Antarctica) hold points at lon ±180 with the "wrong" sign after quantisation,
 * which Leaflet draws as lines across the whole world. Give each ±180 point the
 * sign of its nearest neighbour, then unwrap rings that cross (Chukotka is drawn
 * just east of 180°); a ring around the pole keeps its ±180 edge.
 */
export function fixRing(ring) {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    if (Math.abs(ring[i][0]) !== 180) continue;
    const sign = nearestSign(ring, i);
    if (sign !== null) ring[i] = [sign * 180, ring[i][1]];
  }
  let offset = 0;
  const out = [ring[0]];
  for (let i = 1; i < n; i++) {
    const step = ring[i][0] + offset - out[i - 1][0];
    if (step > 180) offset -= 360;
    else if (step < -180) offset += 360;
    out.push([ring[i][0] + offset, ring[i][1]]);
  }
  if (offset !== 0 && Math.abs(out[n - 1][0] - out[0][0]) > 180) return ring;
  return out;
}

function fixAntimeridian(collection) {
  (collection.features || []).forEach(function (f) {
    const g = f.geometry;
    if (!g) return;
    const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    polygons.forEach(function (rings) {
      for (let i = 0; i < rings.length; i++) rings[i] = fixRing(rings[i]);
    });
  });
  return collection;
}

/** Lines that cross ±180 in one step (a quantised mesh edge) are split there. */
function dropWrapSegments(geometry) {
  const lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
  const out = [];
  lines.forEach(function (line) {
    let part = [line[0]];
    for (let i = 1; i < line.length; i++) {
      if (Math.abs(line[i][0] - line[i - 1][0]) > 180) {
        if (part.length > 1) out.push(part);
        part = [];
      }
      part.push(line[i]);
    }
    if (part.length > 1) out.push(part);
  });
  return { type: "MultiLineString", coordinates: out };
}

function marker(map, name) {
  const box = map.getContainer();
  const have = (box.getAttribute("data-basemap-layers") || "").split(" ").filter(Boolean);
  if (!have.includes(name)) have.push(name);
  box.setAttribute("data-basemap-layers", have.join(" "));
}

/** A non-interactive canvas layer of GeoJSON in one of our panes. */
function drawn(map, geojson, pane, style) {
  if (!RENDERERS.has(map)) RENDERERS.set(map, {});
  const renderers = RENDERERS.get(map);
  if (!renderers[pane]) renderers[pane] = L.canvas({ pane: pane, padding: 0.5 });
  return L.geoJSON(geojson, {
    pane: pane,
    renderer: renderers[pane],
    interactive: false,
    attribution: NATURAL_EARTH_ATTRIBUTION,
    style: style,
  });
}

/** Show `load()`'s layer from `minZoom` on: loaded the first time the map gets there. */
function byZoom(map, minZoom, load) {
  let layer = null;
  let loading = null;
  function update() {
    const show = map.getZoom() >= minZoom;
    if (show && !layer && !loading) {
      loading = load().then(function (l) {
        layer = l;
        update();
      });
    }
    if (layer && show && !map.hasLayer(layer)) layer.addTo(map);
    if (layer && !show && map.hasLayer(layer)) map.removeLayer(layer);
  }
  map.on("zoomend", update);
  update();
  return loading || Promise.resolve();
}

function loadWater(map, url) {
  return fetchJSON(url, "water").then(function (topo) {
    const group = L.layerGroup([
      drawn(map, topojson.feature(topo, topo.objects.lakes), "basemap-water", STYLE.lakes),
      drawn(map, topojson.feature(topo, topo.objects.rivers), "basemap-water", STYLE.rivers),
    ]);
    group.on("add", () => marker(map, "water"));
    return group;
  });
}

/*
 * The 1:10m detail from the admin-1 file: land (its units' union, so coasts are 1:10m too),
 * admin-1 borders and country borders. While it is on the map it replaces the 1:50m land
 * and borders (`coarse`), so borders and coasts line up at every zoom.
 */
function loadAdmin1(map, url, coarse) {
  return fetchJSON(url, "admin-1").then(function (topo) {
    const obj = topo.objects.admin1;
    const inner = (a, b) => a !== b && a.properties.iso_a2 === b.properties.iso_a2;
    const national = (a, b) => a !== b && a.properties.iso_a2 !== b.properties.iso_a2;
    const group = L.layerGroup([
      drawn(map, fixAntimeridian(topojson.feature(topo, obj)), "basemap", STYLE.land10),
      drawn(map, dropWrapSegments(topojson.mesh(topo, obj, (a, b) => a === b)), "basemap", STYLE.coast),
      drawn(map, dropWrapSegments(topojson.mesh(topo, obj, inner)), "basemap-admin1", STYLE.admin1),
      drawn(map, dropWrapSegments(topojson.mesh(topo, obj, national)), "basemap-borders", STYLE.borders),
    ]);
    group.on("add", function () {
      map.removeLayer(coarse);
      marker(map, "admin1");
    });
    group.on("remove", () => coarse.addTo(map));
    return group;
  });
}

function countriesOf(topo) {
  const objects = topo.objects || {};
  return objects.countries || objects[Object.keys(objects)[0]];
}

function drawBorders(coarse, map, topo) {
  const borders = dropWrapSegments(topojson.mesh(topo, countriesOf(topo), (a, b) => a !== b));
  coarse.addLayer(drawn(map, borders, "basemap-borders", STYLE.borders));
  marker(map, "borders");
}

/** Run `fn` once the page is idle (after the first view is drawn). */
function later(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 300 });
  else setTimeout(fn, 0);
}

function createPanes(map) {
  Object.keys(PANES).forEach(function (name) {
    const pane = map.createPane(name);
    pane.style.zIndex = PANES[name]; // under web tiles (200) when they are on
    pane.style.pointerEvents = "none";
  });
}

/**
 * Draw the basemap under everything; resolves when the land is drawn (or could not be).
 * `urls`: {countries, water, admin1, labels}; `options`: {tiles, after}. Borders and labels
 * follow once `after` (the places' promise) has settled and the page is idle, then water
 * and admin-1 lazily by zoom. No labels over web tiles (they carry their own).
 */
export function addBasemap(map, urls, options) {
  if (!urls || !urls.countries || typeof topojson === "undefined") return Promise.resolve();
  createPanes(map);
  return fetchJSON(urls.countries, "basemap")
    .then(function (topo) {
      if (!countriesOf(topo)) return;
      const coarse = L.layerGroup().addTo(map);
      coarse.addLayer(drawn(map, fixAntimeridian(topojson.feature(topo, countriesOf(topo))), "basemap", STYLE.land));
      marker(map, "land");
      Promise.resolve(options && options.after).then(() => later(function () {
        const labelled = urls.labels && !(options && options.tiles) ? addLabels(map, urls.labels) : null;
        drawBorders(coarse, map, topo);
        // The admin-1 file is the heaviest to turn into shapes: after the first labels.
        Promise.resolve(labelled).then(function () {
          if (urls.water) byZoom(map, MIN_ZOOM.water, () => loadWater(map, urls.water));
          if (urls.admin1) byZoom(map, MIN_ZOOM.admin1, () => loadAdmin1(map, urls.admin1, coarse));
        });
      }));
    })
    .catch(function () {
      /* the places still show on a plain background */
    });
}

/** The basemap URLs of a .story-map container's data attributes. */
export function basemapUrls(container) {
  return {
    countries: container.getAttribute("data-basemap-url"),
    water: container.getAttribute("data-water-url"),
    admin1: container.getAttribute("data-admin1-url"),
    labels: container.getAttribute("data-labels-url"),
  };
}
