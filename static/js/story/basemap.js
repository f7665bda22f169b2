/*
 * The offline basemap: Natural Earth country outlines (TopoJSON at
 * .story-map[data-basemap-url]), converted with topojson-client (the global topojson).
 */
import { fetchJSON } from "./api.js";

const NATURAL_EARTH_ATTRIBUTION =
  'Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';

const STYLE = { color: "#8c8577", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 };

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

/** Draw the basemap under everything; resolves when drawn (or when it could not be). */
export function addBasemap(map, url) {
  if (!url || typeof topojson === "undefined") return Promise.resolve();
  const pane = map.createPane("basemap");
  pane.style.zIndex = 150; // under tiles (200) when web tiles are on
  pane.style.pointerEvents = "none";
  return fetchJSON(url, "basemap")
    .then(function (topo) {
      const objects = topo.objects || {};
      const obj = objects.countries || objects[Object.keys(objects)[0]];
      if (!obj) return;
      L.geoJSON(fixAntimeridian(topojson.feature(topo, obj)), {
        pane: "basemap",
        renderer: L.canvas({ pane: "basemap", padding: 0.5 }),
        interactive: false,
        attribution: NATURAL_EARTH_ATTRIBUTION,
        style: STYLE,
      }).addTo(map);
    })
    .catch(function () {
      /* the places still show on a plain background */
    });
}
