/*
 * The story page and the library map (an ES module: <script type="module">, deferred,
 * so it runs after folium's inline map script and the vendored Leaflet scripts).
 * It links the article text and the map, both ways; story mode (step through the
 * mentions in reading order); review and correction. The parts are in story/:
 *
 *   dom.js     safe DOM builders (text only, never HTML)   api.js      fetch + CSRF header
 *   page.js    the page's elements, status line            offsets.js  text offsets <-> DOM
 *   text.js    the article text's mentions                 map.js      markers, popups, hover
 *   popup.js   a place's popup                             linking.js  text <-> map
 *   steps.js   story mode                                  review.js   review and correction
 *   basemap.js the offline basemap                         librarymap.js  the map of all stories
 *   views.js   kinds of place, step zooms, the main group  outlines.js country/region outlines
 *   overview.js the overview and its "+N further away" control
 *   clusters.js bringing a marker out of its cluster (spread apart when on one point)
 *
 * - The Leaflet map is created by folium's script (geo/mapview.py) as a global whose
 *   name is in .story-map[data-map-var] ("map_story").
 * - Places come from the same GeoJSON users export: #story[data-geojson-url]. The library
 *   map (#story[data-mode=library]) reads the whole library's export.
 * - window.storyMap = {map, markers, features, state} is the map for tests and the console.
 */
import { addBasemap, basemapUrls } from "./story/basemap.js";
import { initLibrary } from "./story/librarymap.js";
import { wireText } from "./story/linking.js";
import { addPlaces, attachMap, places } from "./story/map.js";
import { loadStoryPlaces } from "./story/outlines.js";
import { showOverview } from "./story/overview.js";
import { page, readPage, setStatus, storyData, wireEmbedCopy } from "./story/page.js";
import { popupContent } from "./story/popup.js";
import { openReview, wireReview } from "./story/review.js";
import { goStep, setStepLabel, stepFromHash, steps, wireSteps } from "./story/steps.js";

function loadPlaces(map, url, container) {
  if (!url) return Promise.resolve();
  setStatus("Loading places…");
  return loadStoryPlaces(url, container)
    .then(function (loaded) {
      addPlaces(map, loaded.collection, loaded.outlines);
    })
    .catch(function () {
      setStatus("The places could not be loaded.");
    });
}

/** Once the basemap and the places are drawn: the step the URL names. */
function whenReady() {
  window.storyMap.markers = places.markers;
  window.storyMap.features = places.features;
  if (page.mode !== "library") {
    const k = stepFromHash();
    if (k) goStep(k, false);
    else {
      setStepLabel(0);
      showOverview(false);
    }
  }
  page.story.setAttribute("data-map-state", "ready");
}

function init() {
  readPage();
  wireText();
  wireEmbedCopy();
  const container = document.querySelector(".story-map[data-map-var]");
  if (!page.story || !container) return;
  const map = window[container.getAttribute("data-map-var")];
  if (!map || typeof L === "undefined") {
    setStatus("The map could not be loaded.");
    return;
  }
  attachMap(map, container);
  places.popup = function (feature) {
    return popupContent(feature, { review: openReview });
  };
  window.storyMap = { map: map, markers: places.markers, features: places.features, state: { page, places, steps } };
  let loaded;
  if (page.mode === "library") {
    loaded = initLibrary(map);
  } else {
    wireSteps();
    if (page.textEl) wireReview();
    loaded = loadPlaces(map, storyData("geojson-url"), container);
  }
  const tiles = container.getAttribute("data-tiles") === "osm";
  const urls = basemapUrls(container);
  // The library map draws its first places before the basemap (a large file to convert and draw).
  const basemap = page.mode === "library"
    ? loaded.then(function () { return addBasemap(map, urls, { tiles: tiles, after: loaded }); })
    : addBasemap(map, urls, { tiles: tiles, after: loaded });
  Promise.all([basemap, loaded]).then(whenReady);
}

if (document.readyState !== "loading") init();
else document.addEventListener("DOMContentLoaded", init);
