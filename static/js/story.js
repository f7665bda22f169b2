/*
 * The story page and the library map: links the article text and the map, both ways;
 * story mode (step through the mentions in reading order); review and correction.
 *
 * - The Leaflet map is created by folium's script (geo/mapview.py) as a global whose
 *   name is in .story-map[data-map-var] ("map_story").
 * - The offline basemap is Natural Earth country outlines (TopoJSON at
 *   .story-map[data-basemap-url]), converted with topojson-client.
 * - Places come from the same GeoJSON users export: #story[data-geojson-url]. The library
 *   map (#story[data-mode=library]) reads the whole library's export.
 * - Corrections are POSTed as JSON with the page's CSRF token (<meta name="csrf-token">)
 *   in the X-CSRF-Token header; the page then reloads and announces what changed.
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
  var STEP_ZOOM = 6;
  var NOTICE_KEY = "story-notice";

  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var STYLE = {
    normal: { color: "#7a2e0e", weight: 1.5, fillColor: "#e8590c", fillOpacity: 0.72, dashArray: null },
    uncertain: { color: "#7a2e0e", weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.15, dashArray: "4 3" },
    reviewed: { color: "#1d5b2a", weight: 2.5, fillColor: "#e8590c", fillOpacity: 0.72, dashArray: null },
    hover: { color: "#1a5fb4", weight: 4 },
  };

  var state = {
    mode: "story",
    map: null,
    layer: null, // the cluster group (or feature group) holding the place markers
    markers: {}, // place_key -> L.CircleMarker
    features: {}, // place_key -> GeoJSON feature
    keyByStart: {}, // mention start offset (string) -> place_key, from the GeoJSON
    mentionByStart: {}, // start (string) -> the GeoJSON mention
    currentStart: null, // the text mention that opened the current popup
    status: null,
    textEl: null,
    story: null,
    steps: [], // the .mention buttons in reading order
    step: 0,
    route: null,
    candidateLayer: null,
    review: null, // {mode: "mention"|"add", mentionId, start, end}
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

  function $(id) {
    return document.getElementById(id);
  }

  function setStatus(message) {
    if (state.status) state.status.textContent = message || "";
  }

  function announce(message) {
    var live = $("step-status");
    if (live) live.textContent = message || "";
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function cssEscape(value) {
    if (window.CSS && CSS.escape) return CSS.escape(String(value));
    return String(value).replace(/[^a-zA-Z0-9_-]/g, "\\$&");
  }

  function isInt(n) {
    return typeof n === "number" && isFinite(n) && Math.floor(n) === n;
  }

  function each(list, fn) {
    Array.prototype.forEach.call(list || [], fn);
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

  function scrollBehavior() {
    return reduceMotion ? "auto" : "smooth";
  }

  function placeUrl(key) {
    var tpl = state.story && state.story.getAttribute("data-place-url");
    if (!tpl || !key || key.indexOf("unresolved:") === 0) return null;
    return tpl.replace("PLACE", encodeURIComponent(key).replace(/%3A/g, ":").replace(/%40/g, "@"));
  }

  function percent(x) {
    return typeof x === "number" && isFinite(x) ? Math.round(x * 100) + "%" : "";
  }

  /* ---- text offsets <-> DOM ---------------------------------------------
   * The text's DOM text equals the article text. Offsets from the server are Python
   * code points; JavaScript strings count UTF-16 units (an emoji is 1 vs 2). */

  function isHigh(c) {
    return c >= 0xd800 && c <= 0xdbff;
  }

  function cpLength(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      if (isHigh(s.charCodeAt(i)) && i + 1 < s.length) i++;
      n++;
    }
    return n;
  }

  function unitIndex(s, cp) {
    var i = 0;
    for (var n = 0; n < cp && i < s.length; n++) {
      i += isHigh(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
    }
    return i;
  }

  function domPoint(offset) {
    if (!state.textEl) return null;
    var walker = document.createTreeWalker(state.textEl, NodeFilter.SHOW_TEXT);
    var seen = 0;
    var node;
    while ((node = walker.nextNode())) {
      var len = cpLength(node.nodeValue);
      if (offset <= seen + len) return { node: node, offset: unitIndex(node.nodeValue, offset - seen) };
      seen += len;
    }
    return null;
  }

  function textOffset(node, offset) {
    if (!state.textEl || !state.textEl.contains(node)) return -1;
    var r = document.createRange();
    r.setStart(state.textEl, 0);
    r.setEnd(node, offset);
    return cpLength(r.toString());
  }

  function highlightPassage(start, end) {
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    CSS.highlights.delete("story-passage");
    if (!isInt(start) || !isInt(end) || end <= start) return;
    var a = domPoint(start);
    var b = domPoint(end);
    if (!a || !b) return;
    var range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    CSS.highlights.set("story-passage", new Highlight(range));
  }

  /* ---- text -> map ---------------------------------------------------- */

  function placeKeyForMention(button) {
    var fromGeojson = state.keyByStart[button.getAttribute("data-start")];
    return fromGeojson !== undefined ? fromGeojson : button.getAttribute("data-place-key");
  }

  function markActive(button) {
    var prev = state.textEl ? state.textEl.querySelectorAll(".mention.is-active") : [];
    each(prev, function (node) {
      node.classList.remove("is-active");
      node.removeAttribute("aria-current");
    });
    if (button) {
      button.classList.add("is-active");
      button.setAttribute("aria-current", "true");
    }
  }

  function showMarker(marker, then) {
    if (state.layer && state.layer.zoomToShowLayer && state.layer.hasLayer(marker) && !marker._map) {
      state.layer.zoomToShowLayer(marker, then);
    } else {
      then();
    }
  }

  function openPlace(key, start) {
    var marker = state.markers[key];
    if (!marker || !state.map) return false;
    state.currentStart = start === undefined ? null : start;
    showMarker(marker, function () {
      // Pan first (without animation, so the popup's own auto-pan measures the final
      // view), then open: the popup then slides fully into view.
      if (!state.map.getBounds().pad(-0.1).contains(marker.getLatLng())) {
        state.map.panTo(marker.getLatLng(), { animate: false });
      }
      if (marker.isPopupOpen()) marker.setPopupContent(popupContent(state.features[key]));
      else marker.openPopup();
    });
    return true;
  }

  function onMentionActivate(button) {
    markActive(button);
    var key = placeKeyForMention(button);
    var start = button.getAttribute("data-start");
    var idx = state.steps.indexOf(button);
    if (idx >= 0) setStepLabel(idx + 1);
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
    nodes[0].scrollIntoView({ behavior: scrollBehavior(), block: "center" });
    flash(nodes);
    markActive(nodes[0]);
    try {
      nodes[0].focus({ preventScroll: true });
    } catch (e) {
      nodes[0].focus();
    }
  }

  /* Group a place's mentions by passage; each group knows where its quotes are. */
  function passageGroups(mentions) {
    var groups = [];
    var byKey = {};
    mentions.forEach(function (m) {
      if (!m || typeof m !== "object") return;
      var passage = typeof m.passage === "string" && m.passage ? m.passage : m.text || "";
      var key = (isInt(m.article_id) ? m.article_id + "/" : "") +
        (isInt(m.passage_start) ? "at:" + m.passage_start : "tx:" + passage);
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

  function matchNote(p, mentions) {
    if (p.reviewed) {
      var m = mentions[0] || {};
      return "reviewed" + (m.reviewed_by ? " by " + m.reviewed_by : "");
    }
    if (p.approximate) return "approximate placement: please review";
    var note = "match " + percent(p.confidence) + " sure";
    return p.uncertain ? note + " (uncertain)" : note;
  }

  function popupContent(feature) {
    var p = feature.properties || {};
    var mentions = Array.isArray(p.mentions) ? p.mentions : [];
    var box = el("div", "place-popup");
    var key = p.place_key == null ? "" : String(p.place_key);
    box.setAttribute("data-place-key", key);

    var title = el("h3", "popup-title", p.name || "Unnamed place");
    if (p.country_code) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", "cc", p.country_code));
    }
    box.appendChild(title);

    var meta = el("p", "popup-meta", plural(mentions.length, "mention"));
    if (state.mode === "story") meta.appendChild(document.createTextNode(" · " + matchNote(p, mentions)));
    if (isInt(p.geonameid)) {
      meta.appendChild(document.createTextNode(" · "));
      var a = el("a", null, "GeoNames " + p.geonameid);
      a.href = "https://www.geonames.org/" + p.geonameid;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      meta.appendChild(a);
    }
    box.appendChild(meta);

    var groups = passageGroups(mentions);
    var index = 0;
    groups.forEach(function (g, i) {
      g.mentions.forEach(function (m) {
        if (state.currentStart !== null && m.start === Number(state.currentStart)) index = i;
      });
    });

    var pager = el("div", "popup-pager");
    var prev = el("button", "pager-prev", "‹");
    prev.type = "button";
    prev.setAttribute("aria-label", "Previous passage");
    var pos = el("span", "pager-pos");
    pos.setAttribute("aria-live", "polite");
    var next = el("button", "pager-next", "›");
    next.type = "button";
    next.setAttribute("aria-label", "Next passage");
    pager.appendChild(prev);
    pager.appendChild(pos);
    pager.appendChild(next);
    if (groups.length > 1) box.appendChild(pager);

    var slot = el("div", "popup-passage is-current");
    box.appendChild(slot);

    function render() {
      var g = groups[index];
      pos.textContent = index + 1 + " of " + plural(groups.length, "passage");
      prev.disabled = index === 0;
      next.disabled = index >= groups.length - 1;
      slot.textContent = "";
      if (!g) return;
      if (state.mode === "library" && g.mentions[0] && g.mentions[0].article_title) {
        slot.appendChild(el("p", "popup-article", g.mentions[0].article_title));
      }
      slot.appendChild(passageNode(g));
      var starts = g.mentions.map(function (m) {
        return m.start;
      }).filter(isInt);
      var actions = el("div", "popup-actions");
      if (state.mode === "library") {
        var m0 = g.mentions[0] || {};
        if (m0.article_url) {
          var read = el("a", "show-in-text", "Read in the story");
          read.href = m0.article_url;
          actions.appendChild(read);
        }
      } else if (starts.length) {
        var btn = el("button", "show-in-text", "Show in text");
        btn.type = "button";
        btn.setAttribute("data-starts", starts.join(","));
        btn.setAttribute("aria-label", "Show this passage in the text");
        btn.addEventListener("click", function () {
          showInText(starts);
        });
        actions.appendChild(btn);
        var first = isInt(starts[0]) ? mentionsAt(starts[0])[0] : null;
        var mid = first ? Number(first.getAttribute("data-mention-id")) : null;
        if (isInt(mid) && state.story && state.story.getAttribute("data-corrections-url")) {
          var rb = el("button", "show-in-text review-this", "Review");
          rb.type = "button";
          rb.setAttribute("aria-label", "Review this match");
          rb.addEventListener("click", function () {
            openReview(mid);
          });
          actions.appendChild(rb);
        }
      }
      slot.appendChild(actions);
    }
    prev.addEventListener("click", function () {
      if (index > 0) index -= 1;
      render();
    });
    next.addEventListener("click", function () {
      if (index < groups.length - 1) index += 1;
      render();
    });
    render();

    var url = placeUrl(key);
    if (url) {
      var all = el("a", "popup-place-link", "Every passage about " + (p.name || "this place"));
      all.href = url;
      box.appendChild(all);
    }
    return box;
  }

  function selectPlaceInText(key, on) {
    if (key == null) return;
    if (state.textEl) {
      var nodes = state.textEl.querySelectorAll('.mention[data-place-key="' + cssEscape(key) + '"]');
      each(nodes, function (node) {
        node.classList.toggle("is-selected", on);
      });
    }
    var item = document.querySelector('.place-button[data-place-key="' + cssEscape(key) + '"]');
    if (item) {
      item.classList.toggle("is-selected", on);
      if (on) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  }

  function radiusFor(count) {
    return Math.min(26, 6 + 4 * Math.sqrt(Math.max(1, count)));
  }

  function styleFor(p) {
    if (p.reviewed) return STYLE.reviewed;
    if (p.uncertain || p.approximate) return STYLE.uncertain;
    return STYLE.normal;
  }

  /* ---- hover: text <-> marker ----------------------------------------- */

  function hoverPlace(key, on) {
    var marker = state.markers[key];
    var f = state.features[key];
    if (marker && f) {
      var base = styleFor(f.properties || {});
      marker.setStyle(on ? { color: STYLE.hover.color, weight: STYLE.hover.weight } : { color: base.color, weight: base.weight });
      var path = marker.getElement && marker.getElement();
      if (path) path.classList.toggle("is-hover", on);
      if (on && marker._map) marker.bringToFront();
    }
    if (state.textEl) {
      each(state.textEl.querySelectorAll('.mention[data-place-key="' + cssEscape(key) + '"]'), function (n) {
        n.classList.toggle("is-hover", on);
      });
    }
  }

  function wireHover(container, selector) {
    if (!container) return;
    function handler(on) {
      return function (e) {
        var t = e.target.closest ? e.target.closest(selector) : null;
        if (!t || !container.contains(t)) return;
        var key = t.classList.contains("mention") ? placeKeyForMention(t) : t.getAttribute("data-place-key");
        if (key) hoverPlace(key, on);
      };
    }
    container.addEventListener("mouseover", handler(true));
    container.addEventListener("mouseout", handler(false));
    container.addEventListener("focusin", handler(true));
    container.addEventListener("focusout", handler(false));
  }

  /* ---- markers ----------------------------------------------------------- */

  function newLayer(map) {
    var layer;
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

  function makeMarker(map, key, f, lat, lon, count) {
    var p = f.properties || {};
    var style = styleFor(p);
    var uncertain = style === STYLE.uncertain;
    var marker = L.circleMarker([lat, lon], {
      radius: radiusFor(count),
      color: style.color,
      weight: style.weight,
      fillColor: style.fillColor,
      fillOpacity: style.fillOpacity,
      dashArray: style.dashArray,
      className: "place-marker" + (uncertain ? " place-marker-uncertain" : "") + (p.reviewed ? " place-marker-reviewed" : ""),
    });
    marker.bindPopup(
      function () {
        return popupContent(state.features[key]);
      },
      {
        maxWidth: Math.max(200, Math.min(340, map.getSize().x - 70)),
        minWidth: Math.min(220, Math.max(160, map.getSize().x - 90)),
        maxHeight: Math.max(160, Math.min(320, map.getSize().y - 90)),
        autoPanPadding: [16, 16],
      }
    );
    var label = (p.name || "") + (uncertain ? " (uncertain)" : "") + " · " + plural(count, "mention");
    marker.bindTooltip(el("span", null, label), { direction: "top", offset: [0, -radiusFor(count)] });
    marker.on("popupopen", function () {
      selectPlaceInText(key, true);
    });
    marker.on("popupclose", function () {
      selectPlaceInText(key, false);
      state.currentStart = null;
    });
    marker.on("mouseover", function () {
      hoverPlace(key, true);
    });
    marker.on("mouseout", function () {
      hoverPlace(key, false);
    });
    marker.on("add", function () {
      var path = marker.getElement && marker.getElement();
      if (path) {
        path.setAttribute("data-place-key", key);
        path.setAttribute("aria-label", label);
        path.classList.toggle("is-step", state.stepKey === key);
      }
    });
    return marker;
  }

  function sortMarkers() {
    // Bigger markers behind smaller ones so every marker stays clickable.
    Object.keys(state.markers)
      .map(function (k) {
        return state.markers[k];
      })
      .sort(function (a, b) {
        return a.getRadius() - b.getRadius();
      })
      .forEach(function (m) {
        if (m._map) m.bringToBack();
      });
  }

  function fitAll(animate) {
    if (!state.map || !state.layer) return;
    var keys = Object.keys(state.markers);
    if (!keys.length) return;
    var bounds = L.latLngBounds(keys.map(function (k) {
      return state.markers[k].getLatLng();
    }));
    var opts = { padding: [28, 28], maxZoom: 6 };
    if (animate && !reduceMotion && state.map.flyToBounds) state.map.flyToBounds(bounds, opts);
    else state.map.fitBounds(bounds, Object.assign({ animate: false }, opts));
  }

  function addPlaces(map, collection) {
    var features = (collection && Array.isArray(collection.features)) ? collection.features : [];
    state.layer = newLayer(map);
    var onMap = 0;
    var offMap = 0;

    features.forEach(function (f) {
      var p = f.properties || {};
      var key = p.place_key == null ? null : String(p.place_key);
      var mentions = Array.isArray(p.mentions) ? p.mentions : [];
      if (key === null) return;
      state.features[key] = f;
      mentions.forEach(function (m) {
        if (m && isInt(m.start)) {
          state.keyByStart[String(m.start)] = key;
          state.mentionByStart[String(m.start)] = m;
        }
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
      var marker = makeMarker(map, key, f, lat, lon, mentions.length);
      state.layer.addLayer(marker);
      state.markers[key] = marker;
    });
    sortMarkers();
    if (onMap) fitAll(false);
    var msg = onMap ? plural(onMap, "place") + " on the map" : "No place could be put on the map";
    if (offMap) msg += "; " + offMap + " not found";
    setStatus(msg + ".");
  }

  /* ---- story mode: steps ------------------------------------------------ */

  function stepFromHash() {
    var m = /^#step-(\d+)$/.exec(window.location.hash || "");
    if (m) return Math.min(Number(m[1]), state.steps.length);
    // #mention-<id> (the place page) and #at-<start offset> (the library map) name a mention.
    var mm = /^#(mention|at)-(\d+)$/.exec(window.location.hash || "");
    if (mm) {
      var attr = mm[1] === "at" ? "data-start" : "data-mention-id";
      for (var i = 0; i < state.steps.length; i++) {
        if (state.steps[i].getAttribute(attr) === mm[2]) return i + 1;
      }
    }
    return null;
  }

  function setStepLabel(k) {
    var label = $("step-label");
    var n = state.steps.length;
    state.step = k;
    if (label) {
      if (k === 0) label.textContent = "Overview · " + plural(n, "step");
      else label.textContent = "Step " + k + " of " + n + ": " + state.steps[k - 1].textContent;
    }
    var prev = $("step-prev");
    var next = $("step-next");
    if (prev) prev.setAttribute("aria-disabled", k === 0 ? "true" : "false");
    if (next) next.setAttribute("aria-disabled", k >= n ? "true" : "false");
  }

  function markStepPlace(key) {
    if (state.stepKey && state.stepKey !== key) {
      var old = state.markers[state.stepKey];
      if (old) {
        var path = old.getElement && old.getElement();
        if (path) path.classList.remove("is-step");
        old.closeTooltip();
      }
    }
    if (state.stepKey && state.stepKey !== key) selectPlaceInText(state.stepKey, false);
    state.stepKey = key;
    if (key) selectPlaceInText(key, true); // the list of places follows the story
    var marker = key ? state.markers[key] : null;
    var el2 = marker && marker.getElement && marker.getElement();
    if (el2) el2.classList.add("is-step");
  }

  function goStep(k, push) {
    var n = state.steps.length;
    k = Math.max(0, Math.min(n, k));
    if (push && k !== state.step) {
      try {
        history.pushState({ step: k }, "", "#step-" + k);
      } catch (e) {
        /* file: or sandboxed: stepping still works */
      }
    }
    setStepLabel(k);
    if (k === 0) {
      markStepPlace(null);
      markActive(null);
      if (state.pendingOpen && state.map) state.map.off("moveend", state.pendingOpen);
      state.pendingOpen = null;
      highlightPassage(null, null);
      if (state.map) state.map.closePopup();
      fitAll(true);
      var places = Object.keys(state.markers).length;
      announce("Overview: " + plural(places, "place") + " on the map, " + plural(n, "mention") + " in the story. Press Next or the right arrow key to begin.");
      return;
    }
    var button = state.steps[k - 1];
    var start = button.getAttribute("data-start");
    markStepPlace(placeKeyForMention(button));
    var key = placeKeyForMention(button);
    var m = state.mentionByStart[start] || {};
    markActive(button);
    if (isInt(m.passage_start) && typeof m.passage === "string") {
      highlightPassage(m.passage_start, m.passage_start + m.passage.length);
    } else {
      highlightPassage(Number(start), Number(button.getAttribute("data-end")));
    }
    button.scrollIntoView({ behavior: scrollBehavior(), block: "center" });
    var f = state.features[key];
    var marker = state.markers[key];
    var name = (f && f.properties && f.properties.name) || button.textContent;
    var where = f && f.properties && f.properties.country_code ? name + ", " + f.properties.country_code : name;
    if (marker && state.map) {
      state.currentStart = start;
      var target = marker.getLatLng();
      var zoom = Math.max(state.map.getZoom(), STEP_ZOOM);
      var open = function () {
        if (state.map.getSize().x < 500) {
          // A phone: the passage is already highlighted in the text under the map, so
          // name the place with its tooltip instead of covering the map with a popup.
          showMarker(marker, function () {
            state.map.closePopup();
            marker.openTooltip();
          });
        } else {
          openPlace(key, start);
        }
      };
      // Only the latest step opens its place: quick key presses cancel the earlier flights.
      if (state.pendingOpen) state.map.off("moveend", state.pendingOpen);
      state.pendingOpen = null;
      state.map.stop();
      if (reduceMotion) {
        state.map.setView(target, zoom, { animate: false });
        open();
      } else {
        state.pendingOpen = function () {
          state.pendingOpen = null;
          if (state.step === k) open();
        };
        state.map.once("moveend", state.pendingOpen);
        state.map.flyTo(target, zoom, { duration: 0.8 });
      }
      announce("Step " + k + " of " + n + ": " + where + ". " + (m.passage || ""));
      setStatus("Showing " + name + " on the map.");
    } else {
      if (state.map) state.map.closePopup();
      announce("Step " + k + " of " + n + ": " + button.textContent + ", not on the map. " + (m.passage || ""));
      setStatus("“" + button.textContent + "” could not be placed on the map.");
    }
  }

  function wireSteps() {
    state.steps = state.textEl ? Array.prototype.slice.call(state.textEl.querySelectorAll(".mention")) : [];
    var prev = $("step-prev");
    var next = $("step-next");
    if (prev) prev.addEventListener("click", function () {
      if (state.step > 0) goStep(state.step - 1, true);
    });
    if (next) next.addEventListener("click", function () {
      if (state.step < state.steps.length) goStep(state.step + 1, true);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && t.closest && (t.closest("input, textarea, select, [contenteditable], .leaflet-container, .popup-pager"))) return;
      e.preventDefault();
      if (e.key === "ArrowRight" && state.step < state.steps.length) goStep(state.step + 1, true);
      if (e.key === "ArrowLeft" && state.step > 0) goStep(state.step - 1, true);
    });
    function fromLocation() {
      var k = stepFromHash();
      if (k === null) k = 0;
      if (k !== state.step) goStep(k, false);
    }
    window.addEventListener("popstate", fromLocation);
    window.addEventListener("hashchange", fromLocation);
    var route = $("route-toggle");
    if (route) route.addEventListener("change", function () {
      showRoute(route.checked);
    });
  }

  function showRoute(on) {
    if (!state.map) return;
    if (state.route) {
      state.map.removeLayer(state.route);
      state.route = null;
    }
    if (!on) return;
    var points = [];
    var last = null;
    state.steps.forEach(function (b) {
      var key = placeKeyForMention(b);
      var marker = state.markers[key];
      if (!marker || key === last) return;
      last = key;
      points.push(marker.getLatLng());
    });
    state.route = L.polyline(points, {
      color: "#1a5fb4", weight: 2.5, opacity: 0.8, dashArray: "6 6", interactive: false, className: "story-route",
    }).addTo(state.map);
    state.route.bringToBack();
    setStatus("A line links " + plural(points.length, "stop") + " in reading order.");
  }

  /* ---- review and correction ------------------------------------------- */

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function requestJSON(url, body) {
    var opts = {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    };
    if (body !== undefined) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      var token = csrfToken();
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

  function reviewer() {
    var input = $("reviewer-name");
    return input ? input.value.trim() : "";
  }

  function clearCandidates() {
    if (state.candidateLayer && state.map) state.map.removeLayer(state.candidateLayer);
    state.candidateLayer = null;
  }

  function showCandidates(list) {
    clearCandidates();
    if (!state.map || !list.length) return;
    state.map.closePopup(); // the candidates need the room
    var group = L.featureGroup();
    list.forEach(function (c, i) {
      if (!isFinite(c.lat) || !isFinite(c.lon)) return;
      var m = L.circleMarker([c.lat, c.lon], {
        radius: 9, color: "#1a5fb4", weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.9,
        className: "candidate-marker",
      });
      m.bindTooltip(el("span", null, i + 1 + ". " + c.label), { permanent: list.length <= 6, direction: "right" });
      m.on("click", function () {
        choose(c);
      });
      group.addLayer(m);
    });
    state.candidateLayer = group.addTo(state.map);
    var bounds = group.getBounds();
    if (bounds.isValid()) state.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7, animate: !reduceMotion });
  }

  function fillCandidates(listEl, list, empty) {
    listEl.textContent = "";
    if (!list.length) {
      listEl.appendChild(el("li", "hint", empty));
      return;
    }
    list.forEach(function (c, i) {
      var li = el("li");
      var b = el("button", "candidate-button");
      b.type = "button";
      b.setAttribute("data-place-id", c.place_id);
      b.appendChild(el("span", "candidate-n", i + 1 + "."));
      b.appendChild(document.createTextNode(" " + c.label));
      var bits = [];
      if (c.feature_code) bits.push(c.feature_code);
      if (c.population) bits.push("pop. " + Number(c.population).toLocaleString("en"));
      if (typeof c.score === "number") bits.push("score " + percent(c.score));
      if (bits.length) b.appendChild(el("span", "candidate-meta", " · " + bits.join(" · ")));
      b.setAttribute("aria-label", "Change to " + c.label);
      b.addEventListener("click", function () {
        choose(c);
      });
      li.appendChild(b);
      listEl.appendChild(li);
    });
  }

  function submitCorrection(body, message) {
    var url = state.story.getAttribute("data-corrections-url");
    body.reviewer = reviewer();
    setStatus("Saving…");
    return requestJSON(url, body)
      .then(function (data) {
        var n = data.touched || 0;
        try {
          sessionStorage.setItem(NOTICE_KEY, message + (n > 1 ? " (" + n + " mentions)" : "") + ".");
        } catch (e) {
          /* private mode: no notice after the reload */
        }
        window.location.reload();
      })
      .catch(function (err) {
        setStatus("Could not save: " + err.message);
        announce("Could not save: " + err.message);
      });
  }

  function applyAll() {
    var box = $("apply-all");
    var label = $("apply-all-label");
    return !!(box && box.checked && label && !label.hidden);
  }

  function choose(c) {
    var r = state.review;
    if (!r) return;
    if (r.mode === "add") {
      submitCorrection({ action: "add", start: r.start, end: r.end, place_id: c.place_id },
        "Added “" + r.surface + "” as " + c.label);
    } else {
      submitCorrection({ action: "change", mention_id: r.mentionId, place_id: c.place_id, apply_all: applyAll() },
        "Changed “" + r.surface + "” to " + c.label);
    }
  }

  function showTools(mode, surface) {
    var tools = $("review-tools");
    if (!tools) return null;
    $("review-surface").textContent = surface;
    each(tools.querySelectorAll("[data-review-action]"), function (b) {
      b.hidden = mode === "add";
    });
    $("apply-all-label").hidden = true;
    $("apply-all").checked = false;
    $("stored-candidates").textContent = "";
    $("search-results").textContent = "";
    $("review-current").textContent = mode === "add" ? "Choose the place this text names." : "Loading…";
    tools.hidden = false;
    tools.scrollIntoView({ behavior: scrollBehavior(), block: "nearest" });
    tools.focus();
    return tools;
  }

  function openReview(mentionId) {
    if (!state.story || !$("review-tools")) return;
    var button = state.textEl && state.textEl.querySelector('.mention[data-mention-id="' + cssEscape(mentionId) + '"]');
    var surface = button ? button.textContent : "";
    state.review = { mode: "mention", mentionId: Number(mentionId), surface: surface };
    if (button) {
      markActive(button);
      button.scrollIntoView({ behavior: scrollBehavior(), block: "center" });
    }
    showTools("mention", surface);
    var url = state.story.getAttribute("data-alternatives-url").replace("/mentions/0/", "/mentions/" + Number(mentionId) + "/");
    requestJSON(url)
      .then(function (data) {
        var m = button ? state.mentionByStart[button.getAttribute("data-start")] || {} : {};
        var cur = data.current;
        var text = cur ? "Now: " + cur.label + (cur.approximate ? " (approximate placement)" : "") : "Now: not found on the map";
        if (m.reviewed) text += " · reviewed" + (m.reviewed_by ? " by " + m.reviewed_by : "");
        else if (typeof m.confidence === "number") text += " · " + percent(m.confidence) + " sure" + (m.uncertain ? " (uncertain)" : "");
        $("review-current").textContent = text;
        if (data.same_text > 1) {
          $("apply-all-text").textContent = "Apply to all " + data.same_text + " mentions of “" + data.surface + "” in this story";
          $("apply-all-label").hidden = false;
        }
        fillCandidates($("stored-candidates"), data.candidates || [], "No other place was considered.");
        showCandidates(data.candidates || []);
        var input = $("place-search-input");
        if (input) input.value = data.name || surface;
      })
      .catch(function (err) {
        $("review-current").textContent = "Could not load this mention: " + err.message;
      });
  }

  function openAdd(sel) {
    state.review = { mode: "add", start: sel.start, end: sel.end, surface: sel.text };
    showTools("add", sel.text);
    $("stored-candidates").appendChild(el("li", "hint", "Search the gazetteer below, then choose a place."));
    var input = $("place-search-input");
    if (input) input.value = sel.text;
    search(sel.text);
  }

  function search(query) {
    var url = state.story.getAttribute("data-search-url");
    var results = $("search-results");
    if (!url || !results || !query) return;
    results.textContent = "";
    results.appendChild(el("li", "hint", "Searching…"));
    var seq = (state.searchSeq = (state.searchSeq || 0) + 1);
    requestJSON(url + "?q=" + encodeURIComponent(query))
      .then(function (data) {
        if (seq !== state.searchSeq) return; // a newer search is on its way
        var list = data.candidates || [];
        fillCandidates(results, list, "No place called “" + query + "” in the gazetteer.");
        showCandidates(list);
        announce(plural(list.length, "place") + " found for “" + query + "”.");
      })
      .catch(function (err) {
        results.textContent = "";
        results.appendChild(el("li", "hint", "Search failed: " + err.message));
      });
  }

  function closeReview() {
    var tools = $("review-tools");
    if (tools) tools.hidden = true;
    state.review = null;
    clearCandidates();
  }

  function readSelection() {
    var sel = window.getSelection && window.getSelection();
    if (!sel || !sel.rangeCount || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!state.textEl.contains(range.startContainer) || !state.textEl.contains(range.endContainer)) return null;
    var start = textOffset(range.startContainer, range.startOffset);
    var end = textOffset(range.endContainer, range.endOffset);
    var chars = Array.from(state.textEl.textContent); // code points, as the server counts
    if (start < 0 || end <= start) return null;
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (end <= start || end - start > 120) return null;
    return { start: start, end: end, text: chars.slice(start, end).join("") };
  }

  function wireReview() {
    var panel = $("review-panel");
    if (!panel || !state.story.getAttribute("data-corrections-url")) return;
    panel.addEventListener("click", function (e) {
      var open = e.target.closest && e.target.closest(".review-open");
      if (open) openReview(open.getAttribute("data-mention-id"));
    });
    each(panel.querySelectorAll("[data-review-action]"), function (b) {
      b.addEventListener("click", function () {
        var r = state.review;
        if (!r || r.mode !== "mention") return;
        var action = b.getAttribute("data-review-action");
        var msg = action === "confirm" ? "Confirmed “" + r.surface + "”" : "“" + r.surface + "” is no longer marked as a place";
        submitCorrection({ action: action, mention_id: r.mentionId, apply_all: applyAll() }, msg);
      });
    });
    $("review-close").addEventListener("click", closeReview);
    $("review-tools").addEventListener("keydown", function (e) {
      if (e.key === "Escape") closeReview();
    });
    $("place-search").addEventListener("submit", function (e) {
      e.preventDefault();
      search($("place-search-input").value.trim());
    });
    var bar = $("selection-bar");
    function onSelect() {
      var sel = readSelection();
      if (!sel) return;
      state.selection = sel;
      $("selection-text").textContent = sel.text;
      bar.hidden = false;
    }
    state.textEl.addEventListener("mouseup", function () {
      window.setTimeout(onSelect, 0);
    });
    state.textEl.addEventListener("keyup", function (e) {
      if (e.shiftKey) onSelect();
    });
    $("add-place").addEventListener("click", function () {
      if (state.selection) openAdd(state.selection);
      bar.hidden = true;
    });
    var name = $("reviewer-name");
    if (name) {
      name.addEventListener("change", function () {
        var url = state.story.getAttribute("data-corrections-url").replace(/\/articles\/\d+\/corrections$/, "/reviewer");
        requestJSON(url, { name: name.value }).catch(function () {});
      });
    }
  }

  function showNotice() {
    var msg = null;
    try {
      msg = sessionStorage.getItem(NOTICE_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
    } catch (e) {
      msg = null;
    }
    if (msg) {
      setStatus(msg);
      announce(msg);
    }
  }

  /* ---- the library map -------------------------------------------------- */

  function articleInfo() {
    var info = {};
    each(document.querySelectorAll(".article-filter input[type=checkbox]"), function (box) {
      info[box.value] = { title: box.getAttribute("data-title") || "", url: box.getAttribute("data-url") || "", box: box };
    });
    return info;
  }

  function renderLibrary(map, features) {
    var info = articleInfo();
    var shown = {};
    Object.keys(info).forEach(function (id) {
      if (info[id].box.checked) shown[id] = true;
    });
    if (state.layer) map.removeLayer(state.layer);
    state.markers = {};
    state.features = {};
    state.layer = newLayer(map);
    var combined = {};
    var order = [];
    features.forEach(function (f) {
      var p = f.properties || {};
      var aid = String(p.article_id);
      if (!shown[aid] || !f.geometry || f.geometry.type !== "Point") return;
      var key = String(p.place_key);
      var c = combined[key];
      if (!c) {
        c = combined[key] = {
          type: "Feature",
          geometry: f.geometry,
          properties: { place_key: key, name: p.name, country_code: p.country_code, geonameid: p.geonameid,
            mentions: [], articles: {}, reviewed: true, uncertain: false },
        };
        order.push(key);
      }
      c.properties.articles[aid] = true;
      c.properties.reviewed = c.properties.reviewed && !!p.reviewed;
      c.properties.uncertain = c.properties.uncertain || !!p.uncertain;
      (p.mentions || []).forEach(function (m) {
        var copy = Object.assign({}, m, { article_id: Number(aid), article_title: info[aid] ? info[aid].title : "" });
        if (info[aid] && info[aid].url) copy.article_url = info[aid].url + (isInt(m.start) ? "#at-" + m.start : "");
        c.properties.mentions.push(copy);
      });
    });
    var list = $("library-places");
    if (list) list.textContent = "";
    order.sort(function (a, b) {
      return combined[b].properties.mentions.length - combined[a].properties.mentions.length;
    });
    order.forEach(function (key) {
      var f = combined[key];
      var p = f.properties;
      p.mentions.sort(function (a, b) {
        return b.article_id - a.article_id || a.start - b.start; // newest story first
      });
      var n = Object.keys(p.articles).length;
      state.features[key] = f;
      var marker = makeMarker(map, key, f, f.geometry.coordinates[1], f.geometry.coordinates[0], p.mentions.length);
      state.layer.addLayer(marker);
      state.markers[key] = marker;
      if (list) {
        var li = el("li");
        var b = el("button", "place-button");
        b.type = "button";
        b.setAttribute("data-place-key", key);
        b.appendChild(el("span", "place-name", p.name));
        if (p.country_code) {
          b.appendChild(document.createTextNode(" "));
          b.appendChild(el("span", "cc", p.country_code));
        }
        b.appendChild(document.createTextNode(" "));
        var count = el("span", "count", "×" + p.mentions.length);
        count.setAttribute("aria-label", plural(p.mentions.length, "mention") + " in " + plural(n, "story"));
        b.appendChild(count);
        li.appendChild(b);
        list.appendChild(li);
      }
    });
    sortMarkers();
    fitAll(false);
    var stories = Object.keys(shown).length;
    setStatus(plural(order.length, "place") + " from " + plural(stories, "story").replace("storys", "stories") + " on the map.");
  }

  function initLibrary(map, story) {
    var url = story.getAttribute("data-geojson-url");
    var features = [];
    document.addEventListener("change", function (e) {
      if (e.target.closest && e.target.closest(".article-filter")) renderLibrary(map, features);
    });
    each(document.querySelectorAll("[data-filter-all]"), function (b) {
      b.addEventListener("click", function () {
        var on = b.getAttribute("data-filter-all") === "on";
        each(document.querySelectorAll(".article-filter input[type=checkbox]"), function (box) {
          box.checked = on;
        });
        renderLibrary(map, features);
      });
    });
    wireHover($("library-places"), ".place-button");
    setStatus("Loading places…");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (collection) {
        features = (collection && collection.features) || [];
        renderLibrary(map, features);
      })
      .catch(function () {
        setStatus("The places could not be loaded.");
      });
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

  /* Up/Down (and Home/End) move between the buttons of a list of places or mentions. */
  function wireListKeys() {
    document.addEventListener("keydown", function (e) {
      if (["ArrowDown", "ArrowUp", "Home", "End"].indexOf(e.key) === -1) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var t = e.target;
      var list = t && t.closest && t.closest(".place-list, .review-list, .candidate-list");
      if (!list || t.tagName !== "BUTTON") return;
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var i = buttons.indexOf(t);
      if (i < 0) return;
      var j = e.key === "Home" ? 0 : e.key === "End" ? buttons.length - 1 : e.key === "ArrowDown" ? i + 1 : i - 1;
      if (j < 0 || j >= buttons.length) return;
      e.preventDefault();
      buttons[j].focus();
    });
  }

  function wireText() {
    wireListKeys();
    state.textEl = document.getElementById("article-text");
    if (state.textEl) {
      state.textEl.addEventListener("click", function (e) {
        var button = e.target.closest ? e.target.closest(".mention") : null;
        if (button && state.textEl.contains(button)) onMentionActivate(button);
      });
      wireHover(state.textEl, ".mention");
    }
    wireHover(document.querySelector(".place-lists"), ".place-button");
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
      var item = e.target.closest(".review-open");
      if (item && !(state.story && state.story.getAttribute("data-corrections-url"))) {
        // Read-only: an item of the review list shows its mention.
        var m = mentionsAt(item.getAttribute("data-start"))[0];
        if (m) {
          showInText([item.getAttribute("data-start")]);
          onMentionActivate(m);
        }
      }
    });
  }

  function init() {
    var story = document.querySelector("[data-geojson-url]");
    var container = document.querySelector(".story-map[data-map-var]");
    state.story = story;
    state.mode = (story && story.getAttribute("data-mode")) || "story";
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
    window.storyMap = { map: map, markers: state.markers, features: state.features, state: state };
    var places;
    if (state.mode === "library") {
      places = initLibrary(map, story);
    } else {
      wireSteps();
      if (state.textEl) wireReview();
      places = loadPlaces(map, story.getAttribute("data-geojson-url"));
    }
    Promise.all([addBasemap(map, container.getAttribute("data-basemap-url")), places]).then(function () {
      window.storyMap.markers = state.markers;
      window.storyMap.features = state.features;
      if (state.mode !== "library") {
        var k = stepFromHash();
        if (k) goStep(k, false);
        else setStepLabel(0);
        showNotice();
      }
      story.setAttribute("data-map-state", "ready");
    });
  }

  ready(init);
})();
