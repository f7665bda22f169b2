/*
 * The story's overview: fit its main group of places (views.js mainGroup: countries count
 * by their outline, not their centroid), and say how many are further away with a map
 * control that shows everything (and, clicked again, the main group).
 */
import { button, plural } from "./dom.js";
import { fitAll, fitView, placeName, places } from "./map.js";
import { mainGroup, overviewPoints } from "./views.js";

const OVERVIEW_MAX_ZOOM = 8;

/** The overview's store. */
export const overview = {
  group: null, // {near, far, center, radiusKm} once computed
  items: {}, // place_key -> {key, anchor, points} (views.js mainGroup's items)
  control: null, // the "+N further away" control
  showingAll: false,
};

function itemOf(key) {
  const anchor = places.markers[key].getLatLng();
  const area = places.areas[key];
  const points = [];
  if (area) {
    area.polygons.forEach(function (rings) {
      (rings[0] || []).forEach(function (ll) {
        points.push(ll);
      });
    });
  }
  if (!points.length) points.push([anchor.lat, anchor.lng]);
  return { key: key, anchor: [anchor.lat, anchor.lng], points: points };
}

/** The main group of the places on the map (computed once). */
export function storyGroup() {
  if (!overview.group) {
    overview.items = {};
    const items = Object.keys(places.markers).map(itemOf);
    items.forEach(function (item) {
      overview.items[item.key] = item;
    });
    overview.group = mainGroup(items);
  }
  return overview.group;
}

/** The bounds of the main group: its points, and what of its outlines views.js says to fit. */
function groupBounds(group) {
  const bounds = L.latLngBounds([]);
  group.near.forEach(function (k) {
    overviewPoints(overview.items[k], group).forEach(function (p) {
      bounds.extend(p);
    });
  });
  return bounds;
}

function setLabel(btn, far) {
  if (overview.showingAll) {
    btn.textContent = "Show the main group";
    btn.setAttribute("aria-label", "Show the story's main group of places");
  } else {
    btn.textContent = "+" + far.length + " further away";
    btn.setAttribute("aria-label", "Show " + plural(far.length, "more place") + " further away: " +
      far.map(function (k) {
        return placeName(k, "");
      }).join(", "));
  }
}

function addControl(map, far) {
  const Control = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      const box = L.DomUtil.create("div", "leaflet-bar further-control");
      const btn = button("further-button", "", "");
      btn.title = far.map(function (k) {
        return placeName(k, "");
      }).join(", ");
      setLabel(btn, far);
      L.DomEvent.disableClickPropagation(box);
      btn.addEventListener("click", function () {
        overview.showingAll = !overview.showingAll;
        setLabel(btn, far);
        if (overview.showingAll) fitAll(true);
        else fitView(groupBounds(storyGroup()), OVERVIEW_MAX_ZOOM, true);
      });
      box.appendChild(btn);
      return box;
    },
  });
  overview.control = new Control().addTo(map);
}

/** Show the overview: the main group's places, and a control for the far ones. */
export function showOverview(animate) {
  const map = places.map;
  if (!map || !Object.keys(places.markers).length) return;
  const group = storyGroup();
  if (group.far.length && !overview.control) addControl(map, group.far);
  if (overview.showingAll) fitAll(animate);
  else fitView(groupBounds(group), OVERVIEW_MAX_ZOOM, animate);
}
