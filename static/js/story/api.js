/*
 * Talking to the server: JSON requests with the page's CSRF token
 * (<meta name="csrf-token">) in the X-CSRF-Token header, and GeoJSON downloads.
 *
 * Data islands: a page may carry a document in itself as
 * <script type="application/json" data-island-for="URL">...</script> (the downloaded
 * story, web/takeaway.py, carries its GeoJSON and basemap layers so). fetchGeoJSON and
 * fetchJSON read the island for a URL before fetching it: no request at all. A page marked
 * <html data-offline> (the download) fetches nothing else: what it does not carry is missing.
 */

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

/** GET `url` as JSON, or POST `body` as JSON when given; rejects with the server's error. */
export function requestJSON(url, body) {
  const opts = {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  };
  if (body !== undefined) {
    opts.method = "POST";
    opts.headers["Content-Type"] = "application/json";
    const token = csrfToken();
    if (token) opts.headers["X-CSRF-Token"] = token;
    opts.body = JSON.stringify(body);
  }
  return fetch(url, opts).then(function (r) {
    return r.json().catch(function () {
      return {};
    }).then(function (data) {
      if (!r.ok) throw new Error(data.error || "The server answered " + r.status + ".");
      return data;
    });
  });
}

/** The parsed data island for `url` (a fresh copy each time), or undefined when none. */
export function islandData(url) {
  const islands = document.querySelectorAll('script[type="application/json"][data-island-for]');
  for (let i = 0; i < islands.length; i++) {
    if (islands[i].getAttribute("data-island-for") === url) return JSON.parse(islands[i].textContent);
  }
  return undefined;
}

/** A promise of the island for `url`, or null when the page carries none (fetch it then). */
function fromIsland(url) {
  try {
    const data = islandData(url);
    if (data === undefined && document.documentElement.hasAttribute("data-offline")) {
      return Promise.reject(new Error("not in this file: " + url));
    }
    return data === undefined ? null : Promise.resolve(data);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** GET a GeoJSON document (an article's, or a map area's places); `signal` may abort it. */
export function fetchGeoJSON(url, signal) {
  const island = fromIsland(url);
  if (island) return island;
  return fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json, application/json" },
    signal: signal,
  }).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  });
}

/** Static JSON documents read so far, by URL: a promise of each (never changed by its readers). */
const staticDocs = new Map();

/**
 * GET a static JSON document (the basemap's TopoJSON, outlines, labels), once per page however
 * many modules read it (the world atlas feeds both the basemap and the country outlines); a
 * failed read is tried again next time.
 */
export function fetchJSON(url, what) {
  if (!staticDocs.has(url)) {
    const got = fromIsland(url) || fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(what + " HTTP " + r.status);
      return r.json();
    });
    staticDocs.set(url, got.catch(function (err) {
      staticDocs.delete(url);
      throw err;
    }));
  }
  return staticDocs.get(url);
}
