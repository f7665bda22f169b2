/*
 * Country and region mentions as shaded outlines. Countries: the vendored world-atlas
 * TopoJSON (.story-map[data-basemap-url], object "countries", ids ISO 3166-1 numeric),
 * matched to our alpha-2 country codes through static/data/country-ids.json
 * (.story-map[data-country-ids-url]). Admin-1 regions: the TopoJSON at
 * .story-map[data-admin1-url] (object "admin1"; properties name, iso_a2, gn_id), when
 * the page has one: matched by GeoNames id first, then by name and country. A place with
 * no outline stays a point. topojson-client is the global `topojson`.
 */
import { fetchGeoJSON, fetchJSON } from "./api.js";
import { isAreaKind, placeKind } from "./views.js";

const EMPTY = { outline: function () { return null; } };

/** A name for matching: lower case, no accents or punctuation. */
export function foldName(s) {
  return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, " ").trim();
}

/** Index an object's geometries by a key function (first one wins). */
function indexBy(geometries, keyOf) {
  const out = {};
  geometries.forEach(function (g) {
    const k = keyOf(g);
    if (k && !(k in out)) out[k] = g;
  });
  return out;
}

function countryIndex(topo, ids) {
  const obj = topo && topo.objects && topo.objects.countries;
  if (!obj || !ids) return null;
  const byKey = indexBy(obj.geometries || [], function (g) {
    if (g.id !== undefined && g.id !== null) return String(g.id);
    return g.properties && g.properties.name ? "name:" + g.properties.name : null;
  });
  return { topo: topo, find: function (p) {
    return byKey[ids[p.country_code]] || null;
  } };
}

function admin1Index(topo) {
  const obj = topo && topo.objects && topo.objects.admin1;
  if (!obj) return null;
  const geoms = obj.geometries || [];
  const byId = indexBy(geoms, function (g) {
    return g.properties && g.properties.gn_id != null ? String(g.properties.gn_id) : null;
  });
  const byName = indexBy(geoms, function (g) {
    const q = g.properties || {};
    return q.name ? foldName(q.name) + "|" + String(q.iso_a2 || "").toUpperCase() : null;
  });
  return { topo: topo, find: function (p) {
    return (p.geonameid != null && byId[String(p.geonameid)]) ||
      byName[foldName(p.name) + "|" + String(p.country_code || "").toUpperCase()] || null;
  } };
}

/** A polygon ring that crosses the antimeridian is drawn east of it (Chukotka beside Russia). */
function unwrap(ring) {
  let min = Infinity;
  let max = -Infinity;
  ring.forEach(function (c) {
    min = Math.min(min, c[0]);
    max = Math.max(max, c[0]);
  });
  const shift = max - min > 180;
  return ring.map(function (c) {
    return [c[1], shift && c[0] < 0 ? c[0] + 360 : c[0]];
  });
}

/** GeoJSON (Multi)Polygon geometry -> Leaflet polygons [[ring [lat, lng]...]...]. */
export function toLatLngs(geometry) {
  if (!geometry) return [];
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] :
    geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polys.map(function (rings) {
    return rings.map(unwrap);
  });
}

/** The bounds [[s, w], [n, e]] of a polygon's outer ring. */
export function ringBounds(ring) {
  const b = [[90, Infinity], [-90, -Infinity]];
  ring.forEach(function (c) {
    b[0][0] = Math.min(b[0][0], c[0]);
    b[0][1] = Math.min(b[0][1], c[1]);
    b[1][0] = Math.max(b[1][0], c[0]);
    b[1][1] = Math.max(b[1][1], c[1]);
  });
  return b;
}

/** The largest polygon's bounds (a country's mainland, not its far islands). */
export function mainBounds(polygons) {
  let best = null;
  let bestArea = -1;
  polygons.forEach(function (rings) {
    const b = ringBounds(rings[0] || []);
    const area = (b[1][0] - b[0][0]) * (b[1][1] - b[0][1]);
    if (area > bestArea) {
      bestArea = area;
      best = b;
    }
  });
  return best;
}

function outlineOf(index, p) {
  const g = index ? index.find(p) : null;
  if (!g) return null;
  const polygons = toLatLngs(topojson.feature(index.topo, g).geometry);
  return polygons.length ? { polygons: polygons, bounds: mainBounds(polygons) } : null;
}

function load(url, what) {
  return url ? fetchJSON(url, what).catch(function () {
    return null;
  }) : Promise.resolve(null);
}

/**
 * Load what the story's areas need; resolves to {outline(properties) -> {polygons, bounds}
 * or null}. Never rejects: without outlines, areas stay points.
 */
export function loadOutlines(container, features) {
  if (!container || typeof topojson === "undefined") return Promise.resolve(EMPTY);
  const kinds = features.map(function (f) {
    return placeKind(f.properties || {});
  });
  const attr = function (name) {
    return container.getAttribute(name);
  };
  const wantCountries = kinds.indexOf("country") >= 0;
  const wantAdmin1 = kinds.indexOf("admin1") >= 0;
  return Promise.all([
    load(wantCountries && attr("data-basemap-url"), "outlines"),
    load(wantCountries && attr("data-country-ids-url"), "country ids"),
    load(wantAdmin1 && attr("data-admin1-url"), "admin-1 outlines"),
  ]).then(function (got) {
    const countries = countryIndex(got[0], got[1]);
    const admin1 = admin1Index(got[2]);
    return { outline: function (p) {
      const kind = placeKind(p);
      if (!isAreaKind(kind)) return null;
      return outlineOf(kind === "country" ? countries : admin1, p);
    } };
  });
}

/** A story's GeoJSON and the outlines of its area places: `{collection, outlines}`, as the map draws them. */
export function loadStoryPlaces(url, container) {
  return fetchGeoJSON(url).then(function (collection) {
    const features = (collection && Array.isArray(collection.features)) ? collection.features : [];
    return loadOutlines(container, features).then(function (outlines) {
      return { collection: collection, outlines: outlines };
    });
  });
}
