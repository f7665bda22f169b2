/*
 * The story page: links the article text and the map, both ways.
 *
 * - The Leaflet map is created by folium's script (geo/mapview.py) as a global whose
 *   name is in .story-map[data-map-var] ("map_story").
 * - The offline basemap is Natural Earth country outlines (TopoJSON at
 *   .story-map[data-basemap-url]), converted with topojson-client.
 * - Places come from the same GeoJSON users export: #story[data-geojson-url].
 *
 * Everything derived from the article is put into the page with textContent / DOM
 * nodes, never as HTML. Only our own constant attribution strings are HTML.
 */
(function () {
  "use strict";

  var GEONAMES_ATTRIBUTION =
    'Places: <a href="https://www.geonames.org/">GeoNames</a> ' +
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)';
  var NATURAL_EARTH_ATTRIBUTION =
    'Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';
  var FLASH_MS = 2000;

  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var state = {
    map: null,
    markers: {}, // place_key -> L.CircleMarker
    features: {}, // place_key -> GeoJSON feature
    keyByStart: {}, // mention start offset (string) -> place_key, from the GeoJSON
    currentStart: null, // the text mention that opened the current popup
    status: null,
    textEl: null,
  };

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setStatus(message) {
    if (state.status) state.status.textContent = message || "";
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function cssEscape(value) {
    if (window.CSS && CSS.escape) return CSS.escape(String(value));
    return String(value).replace(/[^a-zA-Z0-9_-]/g, "\\$&");
  }

  function mentionsAt(start) {
    if (!state.textEl) return [];
    return Array.prototype.slice.call(
      state.textEl.querySelectorAll('.mention[data-start="' + cssEscape(start) + '"]')
    );
  }

  function flash(nodes) {
    nodes.forEach(function (node) {
      node.classList.remove("flash");
      void node.offsetWidth; // restart the animation
      node.classList.add("flash");
      window.setTimeout(function () {
        node.classList.remove("flash");
      }, FLASH_MS);
    });
  }

  /* ---- text -> map ---------------------------------------------------- */

  function placeKeyForMention(button) {
    var fromGeojson = state.keyByStart[button.getAttribute("data-start")];
    return fromGeojson !== undefined ? fromGeojson : button.getAttribute("data-place-key");
  }

  function markActive(button) {
    var prev = state.textEl ? state.textEl.querySelectorAll(".mention.is-active") : [];
    Array.prototype.forEach.call(prev, function (node) {
      node.classList.remove("is-active");
      node.removeAttribute("aria-current");
    });
    if (button) {
      button.classList.add("is-active");
      button.setAttribute("aria-current", "true");
    }
  }

  function openPlace(key, start) {
    var marker = state.markers[key];
    if (!marker || !state.map) return false;
    state.currentStart = start === undefined ? null : start;
    // Pan first (without animation, so the popup's own auto-pan measures the final
    // view), then open: the popup then slides fully into view.
    if (!state.map.getBounds().pad(-0.1).contains(marker.getLatLng())) {
      state.map.panTo(marker.getLatLng(), { animate: false });
    }
    if (marker.isPopupOpen()) marker.getPopup().update();
    else marker.openPopup();
    return true;
  }

  function onMentionActivate(button) {
    markActive(button);
    var key = placeKeyForMention(button);
    var start = button.getAttribute("data-start");
    if (key && openPlace(key, start)) {
      var f = state.features[key];
      setStatus("Showing " + ((f && f.properties && f.properties.name) || button.textContent) + " on the map.");
      return;
    }
    setStatus("“" + button.textContent + "” could not be placed on the map.");
    var item = document.querySelector('.unresolved-button[data-start="' + cssEscape(start) + '"]');
    if (item) flash([item]);
  }

  /* ---- map -> text ---------------------------------------------------- */

  function showInText(starts) {
    var nodes = [];
    starts.forEach(function (s) {
      nodes = nodes.concat(mentionsAt(s));
    });
    if (!nodes.length) return;
    nodes[0].scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "center" });
    flash(nodes);
    markActive(nodes[0]);
    try {
      nodes[0].focus({ preventScroll: true });
    } catch (e) {
      nodes[0].focus();
    }
  }

  function isInt(n) {
    return typeof n === "number" && isFinite(n) && Math.floor(n) === n;
  }

  /* Group a place's mentions by passage; each group knows where its quotes are. */
  function passageGroups(mentions) {
    var groups = [];
    var byKey = {};
    mentions.forEach(function (m) {
      if (!m || typeof m !== "object") return;
      var passage = typeof m.passage === "string" && m.passage ? m.passage : m.text || "";
      var key = isInt(m.passage_start) ? "at:" + m.passage_start : "tx:" + passage;
      var g = byKey[key];
      if (!g) {
        g = byKey[key] = { passage: passage, passageStart: m.passage_start, mentions: [] };
        groups.push(g);
      }
      g.mentions.push(m);
    });
    groups.forEach(function (g) {
      var ranges = [];
      var searchFrom = 0;
      g.mentions.forEach(function (m) {
        var text = typeof m.text === "string" ? m.text : "";
        var a = -1;
        if (isInt(g.passageStart) && isInt(m.start) && isInt(m.end)) {
          a = m.start - g.passageStart;
          var b = m.end - g.passageStart;
          if (a < 0 || b > g.passage.length || (text && g.passage.slice(a, b) !== text)) a = -1;
        }
        if (a < 0 && text) {
          a = g.passage.indexOf(text, searchFrom);
          if (a < 0) a = g.passage.indexOf(text);
        }
        if (a >= 0) {
          var len = text ? text.length : m.end - m.start;
          ranges.push([a, a + len]);
          searchFrom = a + len;
        }
      });
      ranges.sort(function (x, y) {
        return x[0] - y[0];
      });
      g.ranges = ranges.filter(function (r, i) {
        return i === 0 || r[0] >= ranges[i - 1][1];
      });
    });
    return groups;
  }

  function passageNode(group) {
    var q = el("blockquote", "passage");
    var cursor = 0;
    group.ranges.forEach(function (r) {
      if (r[0] > cursor) q.appendChild(document.createTextNode(group.passage.slice(cursor, r[0])));
      q.appendChild(el("mark", "quote", group.passage.slice(r[0], r[1])));
      cursor = r[1];
    });
    if (cursor < group.passage.length) {
      q.appendChild(document.createTextNode(group.passage.slice(cursor)));
    }
    return q;
  }

  function popupContent(feature) {
    var p = feature.properties || {};
    var mentions = Array.isArray(p.mentions) ? p.mentions : [];
    var box = el("div", "place-popup");
    box.setAttribute("data-place-key", p.place_key == null ? "" : String(p.place_key));

    var title = el("h3", "popup-title", p.name || "Unnamed place");
    if (p.country_code) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", "cc", p.country_code));
    }
    box.appendChild(title);

    var meta = el("p", "popup-meta", plural(mentions.length, "mention"));
    if (isInt(p.geonameid)) {
      meta.appendChild(document.createTextNode(" · "));
      var a = el("a", null, "GeoNames " + p.geonameid);
      a.href = "https://www.geonames.org/" + p.geonameid;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      meta.appendChild(a);
    }
    box.appendChild(meta);

    var list = el("ol", "popup-passages");
    var current = null;
    passageGroups(mentions).forEach(function (g) {
      var li = el("li", "popup-passage");
      li.appendChild(passageNode(g));
      var starts = g.mentions
        .map(function (m) {
          return m.start;
        })
        .filter(isInt);
      if (starts.length) {
        var btn = el("button", "show-in-text", "Show in text");
        btn.type = "button";
        btn.setAttribute("data-starts", starts.join(","));
        btn.setAttribute("aria-label", "Show this passage in the text");
        btn.addEventListener("click", function () {
          showInText(starts);
        });
        li.appendChild(btn);
      }
      if (state.currentStart !== null && starts.indexOf(Number(state.currentStart)) !== -1) {
        li.classList.add("is-current");
        current = li;
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    if (current) {
      // Scroll only the popup's own scroll box (scrollIntoView would also scroll the
      // map container and shift the map under its controls).
      window.setTimeout(function () {
        var scroller = current.closest(".leaflet-popup-content");
        if (!scroller) return;
        var top =
          current.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
        if (top + current.offsetHeight > scroller.scrollTop + scroller.clientHeight || top < scroller.scrollTop) {
          scroller.scrollTop = Math.max(0, top - 8);
        }
      }, 0);
    }
    return box;
  }

  function selectPlaceInText(key, on) {
    if (!state.textEl || key == null) return;
    var nodes = state.textEl.querySelectorAll('.mention[data-place-key="' + cssEscape(key) + '"]');
    Array.prototype.forEach.call(nodes, function (node) {
      node.classList.toggle("is-selected", on);
    });
    var item = document.querySelector('.place-button[data-place-key="' + cssEscape(key) + '"]');
    if (item) item.classList.toggle("is-selected", on);
  }

  function radiusFor(count) {
    return Math.min(26, 6 + 4 * Math.sqrt(Math.max(1, count)));
  }

  function addPlaces(map, collection) {
    var features = (collection && Array.isArray(collection.features)) ? collection.features : [];
    var group = L.featureGroup().addTo(map);
    group.getAttribution = function () {
      return GEONAMES_ATTRIBUTION;
    };
    map.attributionControl.addAttribution(GEONAMES_ATTRIBUTION);
    var onMap = 0;
    var offMap = 0;

    features.forEach(function (f) {
      var p = f.properties || {};
      var key = p.place_key == null ? null : String(p.place_key);
      var mentions = Array.isArray(p.mentions) ? p.mentions : [];
      if (key === null) return;
      state.features[key] = f;
      mentions.forEach(function (m) {
        if (m && isInt(m.start)) state.keyByStart[String(m.start)] = key;
      });
      var g = f.geometry;
      if (!g || g.type !== "Point" || !Array.isArray(g.coordinates)) {
        offMap += 1;
        return;
      }
      var lon = Number(g.coordinates[0]);
      var lat = Number(g.coordinates[1]);
      if (!isFinite(lat) || !isFinite(lon)) {
        offMap += 1;
        return;
      }
      onMap += 1;
      var marker = L.circleMarker([lat, lon], {
        radius: radiusFor(mentions.length),
        color: "#7a2e0e",
        weight: 1.5,
        fillColor: "#e8590c",
        fillOpacity: 0.72,
        className: "place-marker",
      });
      marker.bindPopup(
        function () {
          return popupContent(f);
        },
        {
          maxWidth: Math.max(200, Math.min(340, map.getSize().x - 70)),
          minWidth: Math.min(220, Math.max(160, map.getSize().x - 90)),
          maxHeight: Math.max(160, Math.min(320, map.getSize().y - 90)),
          autoPanPadding: [16, 16],
        }
      );
      var tip = el("span", null, p.name || "");
      marker.bindTooltip(tip, { direction: "top", offset: [0, -radiusFor(mentions.length)] });
      marker.on("popupopen", function () {
        selectPlaceInText(key, true);
      });
      marker.on("popupclose", function () {
        selectPlaceInText(key, false);
        state.currentStart = null;
      });
      marker.addTo(group);
      var path = marker.getElement && marker.getElement();
      if (path) {
        path.setAttribute("data-place-key", key);
        path.setAttribute("aria-label", p.name || "place");
      }
      state.markers[key] = marker;
    });

    // Sort bigger markers behind smaller ones so every marker stays clickable.
    Object.keys(state.markers)
      .map(function (k) {
        return state.markers[k];
      })
      .sort(function (a, b) {
        return a.getRadius() - b.getRadius();
      })
      .forEach(function (m) {
        m.bringToBack();
      });

    if (onMap) {
      map.fitBounds(group.getBounds(), { padding: [28, 28], maxZoom: 6, animate: false });
    }
    var msg = onMap ? plural(onMap, "place") + " on the map" : "No place could be put on the map";
    if (offMap) msg += "; " + offMap + " not found";
    setStatus(msg + ".");
  }

  /*
   * Natural Earth rings that cross the antimeridian (Russia, Fiji) or wrap the pole
   * (Antarctica) hold points at lon ±180 with the "wrong" sign after quantisation,
   * which Leaflet draws as lines across the whole world. Give each ±180 point the
   * sign of its nearest neighbour, then unwrap rings that cross (Chukotka is drawn
   * just east of 180°); a ring around the pole keeps its ±180 edge.
   */
  function fixRing(ring) {
    var n = ring.length;
    var i, d;
    for (i = 0; i < n; i++) {
      if (Math.abs(ring[i][0]) !== 180) continue;
      for (d = 1; d < n; d++) {
        var a = ring[(i - d + n) % n][0];
        var b = ring[(i + d) % n][0];
        var ref = Math.abs(a) < 180 ? a : Math.abs(b) < 180 ? b : null;
        if (ref !== null) {
          ring[i] = [ref < 0 ? -180 : 180, ring[i][1]];
          break;
        }
      }
    }
    var offset = 0;
    var out = [ring[0]];
    for (i = 1; i < n; i++) {
      var step = ring[i][0] + offset - out[i - 1][0];
      if (step > 180) offset -= 360;
      else if (step < -180) offset += 360;
      out.push([ring[i][0] + offset, ring[i][1]]);
    }
    if (offset !== 0 && Math.abs(out[n - 1][0] - out[0][0]) > 180) return ring;
    return out;
  }

  function fixAntimeridian(collection) {
    (collection.features || []).forEach(function (f) {
      var g = f.geometry;
      if (!g) return;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polygons.forEach(function (rings) {
        for (var i = 0; i < rings.length; i++) rings[i] = fixRing(rings[i]);
      });
    });
    return collection;
  }

  function addBasemap(map, url) {
    if (!url || typeof topojson === "undefined") return Promise.resolve();
    var pane = map.createPane("basemap");
    pane.style.zIndex = 150; // under tiles (200) when web tiles are on
    pane.style.pointerEvents = "none";
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("basemap HTTP " + r.status);
        return r.json();
      })
      .then(function (topo) {
        var objects = topo.objects || {};
        var obj = objects.countries || objects[Object.keys(objects)[0]];
        if (!obj) return;
        L.geoJSON(fixAntimeridian(topojson.feature(topo, obj)), {
          pane: "basemap",
          renderer: L.canvas({ pane: "basemap", padding: 0.5 }),
          interactive: false,
          attribution: NATURAL_EARTH_ATTRIBUTION,
          style: {
            color: "#8c8577",
            weight: 0.7,
            fillColor: "#f4f1ea",
            fillOpacity: 1,
          },
        }).addTo(map);
      })
      .catch(function () {
        /* the places still show on a plain background */
      });
  }

  function loadPlaces(map, url) {
    if (!url) return Promise.resolve();
    setStatus("Loading places…");
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (collection) {
        addPlaces(map, collection);
      })
      .catch(function () {
        setStatus("The places could not be loaded.");
      });
  }

  function wireText() {
    state.textEl = document.getElementById("article-text");
    if (state.textEl) {
      state.textEl.addEventListener("click", function (e) {
        var button = e.target.closest ? e.target.closest(".mention") : null;
        if (button && state.textEl.contains(button)) onMentionActivate(button);
      });
    }
    document.addEventListener("click", function (e) {
      if (!e.target.closest) return;
      var place = e.target.closest(".place-button");
      if (place) {
        if (!openPlace(place.getAttribute("data-place-key"))) {
          setStatus("This place is not on the map.");
        }
        return;
      }
      var unresolved = e.target.closest(".unresolved-button");
      if (unresolved) showInText([unresolved.getAttribute("data-start")]);
    });
  }

  function init() {
    var story = document.querySelector("[data-geojson-url]");
    var container = document.querySelector(".story-map[data-map-var]");
    state.status = document.getElementById("map-status");
    wireText();
    if (!story || !container) return;
    var map = window[container.getAttribute("data-map-var")];
    if (!map || typeof L === "undefined") {
      setStatus("The map could not be loaded.");
      return;
    }
    state.map = map;
    // folium's script runs before the rest of the page is parsed, so the map measured
    // its container in a provisional layout: measure again now, and on every resize
    // of the container (Leaflet itself only watches the window).
    map.invalidateSize({ pan: false });
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize({ pan: false });
      }).observe(container);
    }
    window.storyMap = { map: map, markers: state.markers, features: state.features };
    Promise.all([
      addBasemap(map, container.getAttribute("data-basemap-url")),
      loadPlaces(map, story.getAttribute("data-geojson-url")),
    ]).then(function () {
      story.setAttribute("data-map-state", "ready");
    });
  }

  ready(init);
})();
