/*
 * Place labels of the offline basemap, drawn on one canvas in a pane under the markers.
 * The data (static/basemap/labels/, built from our gazetteer by scripts/build_basemap.py):
 * index.json names tiers in order of importance (capitals, countries, large cities, cities,
 * admin-1 regions, towns, small towns), each with its zoom range and style (font, colour,
 * dot radius, upper case); the first tiers are in world.json, the others in grid cells loaded
 * as the view needs them. A collision pass keeps the most important labels that fit.
 */
import { fetchJSON } from "./api.js";

const ATTRIBUTION = 'Labels: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)';
const MAX_LABELS = 250;
const GRID = 48; // px: the collision grid's cell
const PAD = 3; // px around each label's box
const LINE = 14; // px: a label's height

/** The label layer's state: index, loaded rows per key, the canvas. */
function newState(map, indexUrl) {
  return { map: map, indexUrl: indexUrl, index: null, rows: new Map(), pending: new Map(), canvas: null, drawn: [] };
}

function load(state, key, url) {
  if (state.rows.has(key) || state.pending.has(key)) return state.pending.get(key) || Promise.resolve();
  const p = fetchJSON(url, "labels")
    .then(function (rows) {
      state.rows.set(key, rows);
    })
    .catch(function () {
      state.rows.set(key, []);
    })
    .finally(function () {
      state.pending.delete(key);
    });
  state.pending.set(key, p);
  return p;
}

/** Grid cells ("x_y") of `size` degrees that the bounds touch (at most 16). */
export function cellsIn(bounds, size) {
  const west = Math.max(-180, bounds.getWest());
  const east = Math.min(180, bounds.getEast());
  const south = Math.max(-90, bounds.getSouth());
  const north = Math.min(90, bounds.getNorth());
  const x0 = Math.floor((west + 180) / size);
  const x1 = Math.min(Math.floor((east + 180) / size), 360 / size - 1);
  const y0 = Math.floor((south + 90) / size);
  const y1 = Math.min(Math.floor((north + 90) / size), 180 / size - 1);
  const out = [];
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) out.push(x + "_" + y);
  }
  return out.length <= 16 ? out : [];
}

/**
 * The URL of a file beside the labels index, written as the index's URL is (a path stays a
 * path: data islands, web/takeaway.py, are found by the URL as written).
 */
export function sibling(indexUrl, name) {
  const url = new URL(name, new URL(indexUrl, document.baseURI));
  return indexUrl.charAt(0) === "/" && indexUrl.charAt(1) !== "/" ? url.pathname : url.href;
}

/** The keys and URLs of the label files the current view needs. */
function needed(state) {
  const zoom = state.map.getZoom();
  const out = [];
  const index = state.index;
  if (index.tiers.some((t) => !t.tiled && t.min_zoom <= zoom)) out.push(["world", sibling(state.indexUrl, "world.json")]);
  const bounds = state.map.getBounds();
  index.tiers.forEach(function (tier, i) {
    if (!tier.tiled || tier.min_zoom > zoom) return;
    const have = new Set(tier.cells);
    cellsIn(bounds, index.cell_degrees).forEach(function (cell) {
      if (have.has(cell)) out.push([i + ":" + cell, sibling(state.indexUrl, tier.name + "/" + cell + ".json")]);
    });
  });
  return out;
}

/** Rows [name, lon, lat, tier] for the view's zoom, most important first. */
function candidates(state, keys) {
  const zoom = state.map.getZoom();
  const out = [];
  keys.forEach(function ([key]) {
    const rows = state.rows.get(key) || [];
    const tier = key === "world" ? null : Number(key.split(":")[0]);
    rows.forEach(function (r) {
      const t = tier === null ? r[3] : tier;
      const range = state.index.tiers[t];
      if (range.min_zoom <= zoom && zoom <= range.max_zoom) out.push([r[0], r[1], r[2], t]);
    });
  });
  out.sort((a, b) => a[3] - b[3]); // stable: each file is most populous first
  return out;
}

function boxFree(grid, box) {
  for (let gx = Math.floor(box[0] / GRID); gx <= Math.floor(box[2] / GRID); gx++) {
    for (let gy = Math.floor(box[1] / GRID); gy <= Math.floor(box[3] / GRID); gy++) {
      const cell = grid.get(gx + "," + gy);
      if (cell && cell.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) return false;
    }
  }
  return true;
}

function takeBox(grid, box) {
  for (let gx = Math.floor(box[0] / GRID); gx <= Math.floor(box[2] / GRID); gx++) {
    for (let gy = Math.floor(box[1] / GRID); gy <= Math.floor(box[3] / GRID); gy++) {
      const key = gx + "," + gy;
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(box);
    }
  }
}

/** Where a label may go: right of its dot, left of it, or (no dot) centred on the point. */
function boxes(p, w, dotted) {
  const top = p.y - LINE / 2 - PAD;
  const bottom = p.y + LINE / 2 + PAD;
  if (!dotted) return [["center", [p.x - w / 2 - PAD, top, p.x + w / 2 + PAD, bottom]]];
  return [
    ["left", [p.x - 4 - PAD, top, p.x + 6 + w + PAD, bottom]],
    ["right", [p.x - 6 - w - PAD, top, p.x + 4 + PAD, bottom]],
  ];
}

/**
 * The labels that fit without overlap, most important first: [{name, x, y, tier, align}]
 * in container pixels. rows: [name, lon, lat, tier]; project(lat, lon) -> {x, y};
 * measure(name, tier) -> width; dotted(tier) -> whether the tier draws a dot.
 */
export function placeLabels(rows, project, measure, dotted, size) {
  const grid = new Map();
  const placed = [];
  for (const r of rows) {
    if (placed.length >= MAX_LABELS) break;
    const p = project(r[2], r[1]);
    if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) continue;
    const fit = boxes(p, measure(r[0], r[3]), dotted(r[3])).find(([, box]) => boxFree(grid, box));
    if (!fit) continue;
    takeBox(grid, fit[1]);
    placed.push({ name: r[0], x: p.x, y: p.y, tier: r[3], align: fit[0] });
  }
  return placed;
}

function prepareCanvas(state) {
  const map = state.map;
  const size = map.getSize();
  const ratio = window.devicePixelRatio || 1;
  const canvas = state.canvas;
  canvas.width = Math.round(size.x * ratio);
  canvas.height = Math.round(size.y * ratio);
  canvas.style.width = size.x + "px";
  canvas.style.height = size.y + "px";
  L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

function shown(style, name) {
  return style.upper ? name.toUpperCase() : name;
}

function drawLabel(ctx, style, l) {
  ctx.font = style.font;
  ctx.fillStyle = style.color;
  if (style.dot) {
    ctx.beginPath();
    ctx.arc(l.x, l.y, style.dot, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.textAlign = l.align;
  const tx = l.align === "left" ? l.x + 5 : l.align === "right" ? l.x - 5 : l.x;
  ctx.strokeText(shown(style, l.name), tx, l.y);
  ctx.fillText(shown(style, l.name), tx, l.y);
}

function draw(state, keys) {
  const map = state.map;
  const ctx = prepareCanvas(state);
  const styles = state.index.tiers.map((t) => t.style);
  const widths = new Map();
  function measure(name, tier) {
    const key = tier + "|" + name;
    if (!widths.has(key)) {
      ctx.font = styles[tier].font;
      widths.set(key, ctx.measureText(shown(styles[tier], name)).width);
    }
    return widths.get(key);
  }
  const project = (lat, lon) => map.latLngToContainerPoint([lat, lon]);
  const dotted = (tier) => styles[tier].dot > 0;
  const placed = placeLabels(candidates(state, keys), project, measure, dotted, map.getSize());
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
  ctx.lineWidth = 3;
  placed.forEach((l) => drawLabel(ctx, styles[l.tier], l));
  state.drawn = placed;
  state.canvas.style.visibility = "visible";
  state.canvas.setAttribute("data-labels", placed.map((l) => l.name).join("|"));
  map.getContainer().setAttribute("data-basemap-labels", String(placed.length));
}

/** Load what the view needs, then draw (a newer view simply draws again). */
function refresh(state) {
  const keys = needed(state);
  return Promise.all(keys.map(([key, url]) => load(state, key, url))).then(function () {
    const now = needed(state);
    if (now.every(([key]) => state.rows.has(key))) draw(state, now); // else a newer refresh draws
  });
}

/** Add the label layer to the map: a canvas in the "labels" pane, redrawn after each move. */
export function addLabels(map, indexUrl) {
  if (!indexUrl) return Promise.resolve();
  const state = newState(map, indexUrl);
  const pane = map.createPane("labels");
  pane.style.zIndex = 390; // over the basemap and web tiles, under the places (overlay 400)
  pane.style.pointerEvents = "none";
  state.canvas = L.DomUtil.create("canvas", "basemap-labels", pane);
  map.on("zoomstart", function () {
    state.canvas.style.visibility = "hidden";
  });
  map.on("moveend resize", function () {
    if (state.index) refresh(state);
  });
  if (map.attributionControl) map.attributionControl.addAttribution(ATTRIBUTION);
  return fetchJSON(state.indexUrl, "labels index")
    .then(function (index) {
      state.index = index;
      return refresh(state);
    })
    .catch(function () {
      /* the map works without labels */
    });
}
