/*
 * The view of a story step and of the overview, as pure functions over plain data (no
 * Leaflet, no DOM): what kind of place a feature is, the zoom that kind is shown at, and
 * the story's main group of places. The rule tables are data at the top of the module.
 */

/** Kinds of place by GeoNames feature class and code (first match wins; "*" any code). */
export const KIND_RULES = [
  { cls: "A", codes: ["PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCLH", "PCL", "TERR"], kind: "country" },
  { cls: "A", codes: ["ADM1", "ADM1H"], kind: "admin1" },
  { cls: "A", codes: ["*"], kind: "district" },
  { cls: "L", codes: ["CONT"], kind: "continent" },
  { cls: "L", codes: ["*"], kind: "region" },
  { cls: "H", codes: ["OCN"], kind: "continent" },
  { cls: "H", codes: ["SEA", "GULF", "BAY", "STRT"], kind: "sea" },
  { cls: "P", codes: ["PPLC", "PPLA", "PPLG"], kind: "city" },
  { cls: "P", codes: ["PPLX"], kind: "quarter" },
  { cls: "P", codes: ["*"], kind: "town" },
];

/** A town this populous is shown as a city. */
export const CITY_POPULATION = 100000;

/**
 * The zoom of each kind: `zoom` when shown as a point, `maxZoom` when its outline is
 * fitted. A city keeps its surroundings in view (about 300 km across a desktop map, a
 * town 150 km), never street scale.
 */
export const KIND_ZOOM = {
  continent: { zoom: 3, maxZoom: 4 },
  country: { zoom: 5, maxZoom: 7 },
  region: { zoom: 4, maxZoom: 6 },
  sea: { zoom: 5, maxZoom: 7 },
  admin1: { zoom: 7, maxZoom: 8 },
  district: { zoom: 8, maxZoom: 9 },
  city: { zoom: 8, maxZoom: 8 },
  town: { zoom: 9, maxZoom: 9 },
  quarter: { zoom: 10, maxZoom: 10 },
  spot: { zoom: 8, maxZoom: 8 },
};

/** The deepest zoom a step goes to: where the offline basemap still has detail, deeper over web tiles. */
export const DETAIL_ZOOM = { offline: 10, tiles: 13 };

/** The overview: places within this many robust spreads (median distances) of the median are the main group. */
export const OVERVIEW = { spreads: 3, minKm: 300, maxKm: 1500 };

/** The kind of place a GeoJSON feature's properties describe. */
export function placeKind(p) {
  const cls = p && p.feature_class;
  const code = (p && p.feature_code) || "";
  if (!cls) return String((p && p.place_key) || "").indexOf("approx:") === 0 ? "quarter" : "spot";
  for (let i = 0; i < KIND_RULES.length; i++) {
    const r = KIND_RULES[i];
    if (r.cls === cls && (r.codes.indexOf(code) >= 0 || r.codes[0] === "*")) {
      if (r.kind === "town" && Number(p.population) >= CITY_POPULATION) return "city";
      return r.kind;
    }
  }
  return cls === "P" ? "town" : "spot";
}

/** Whether a kind is drawn as a shaded outline when one is known. */
export function isAreaKind(kind) {
  return kind === "country" || kind === "admin1";
}

/** The zoom a step on a place of this kind is shown at, capped where the basemap has detail. */
export function stepZoom(kind, tiles) {
  const rule = KIND_ZOOM[kind] || KIND_ZOOM.spot;
  return Math.min(rule.zoom, tiles ? DETAIL_ZOOM.tiles : DETAIL_ZOOM.offline);
}

/** The deepest zoom when fitting a place's outline. */
export function fitMaxZoom(kind, tiles) {
  const rule = KIND_ZOOM[kind] || KIND_ZOOM.spot;
  return Math.min(rule.maxZoom, tiles ? DETAIL_ZOOM.tiles : DETAIL_ZOOM.offline);
}

const EARTH_KM = 6371;

/** Great-circle distance in km between [lat, lon] points. */
export function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function median(values) {
  if (!values.length) return NaN;
  const s = values.slice().sort(function (x, y) {
    return x - y;
  });
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest of an item's points (its outline's vertices, or its one point) to `center`. */
function nearestPoint(item, center) {
  let best = null;
  let bestKm = Infinity;
  item.points.forEach(function (pt) {
    const km = distanceKm(center, pt);
    if (km < bestKm) {
      bestKm = km;
      best = pt;
    }
  });
  return { point: best, km: bestKm };
}

function nearestKm(item, center) {
  return nearestPoint(item, center).km;
}

/**
 * What of a place in the main group the overview fits: all of an outline that holds the
 * centre or is no wider than the group, else only its nearest point (a neighbouring
 * country's edge shows, not the whole country).
 */
export function overviewPoints(item, group) {
  if (item.points.length < 2 || !group.center) return item.points;
  const lats = item.points.map(function (p) {
    return p[0];
  });
  const lons = item.points.map(function (p) {
    return p[1];
  });
  const s = Math.min.apply(null, lats);
  const n = Math.max.apply(null, lats);
  const w = Math.min.apply(null, lons);
  const e = Math.max.apply(null, lons);
  const c = group.center;
  const holds = c[0] >= s && c[0] <= n && c[1] >= w && c[1] <= e;
  if (holds || distanceKm([s, w], [n, e]) <= 2 * group.radiusKm) return item.points;
  return [nearestPoint(item, c).point];
}

/**
 * Split places into the story's main group and the far ones. `items`: [{key, anchor:
 * [lat, lon], points: [[lat, lon], ...]}] (an area's points are its outline's vertices,
 * so a country counts by its outline, not its centroid). The centre is the median anchor;
 * an item is in the group when its nearest point is within a few median distances.
 */
export function mainGroup(items, rules) {
  const r = rules || OVERVIEW;
  if (!items.length) return { near: [], far: [], center: null, radiusKm: 0 };
  const center = [median(items.map(function (i) {
    return i.anchor[0];
  })), median(items.map(function (i) {
    return i.anchor[1];
  }))];
  const dist = items.map(function (i) {
    return nearestKm(i, center);
  });
  const radiusKm = Math.max(r.minKm, Math.min(r.maxKm, r.spreads * median(dist)));
  const near = [];
  const far = [];
  items.forEach(function (item, i) {
    (dist[i] <= radiusKm ? near : far).push(item.key);
  });
  return { near: near, far: far, center: center, radiusKm: radiusKm };
}
