/*
 * Talking to the server: JSON requests with the page's CSRF token
 * (<meta name="csrf-token">) in the X-CSRF-Token header, and GeoJSON downloads.
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

/** GET a GeoJSON document (an article's, or a map area's places); `signal` may abort it. */
export function fetchGeoJSON(url, signal) {
  return fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json, application/json" },
    signal: signal,
  }).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  });
}

/** GET any JSON document (the basemap's TopoJSON). */
export function fetchJSON(url, what) {
  return fetch(url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error(what + " HTTP " + r.status);
    return r.json();
  });
}
