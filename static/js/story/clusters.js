/*
 * Markers in the cluster group (leaflet.markercluster): bring one out of its cluster to
 * show it. Markers on (nearly) one point never part by zooming in, so they are spread apart
 * around it (spiderfied) at the current zoom instead of zooming to street level.
 */

/** Markers closer than this (degrees, about 200 m) count as on one point. */
const SAME_POINT_DEGREES = 0.002;
/** How long to wait for the plugin's "spiderfied" (its animation takes 200 ms). */
const SPIDERFY_WAIT_MS = 600;

/** Whether all of a cluster's markers sit at (nearly) one point: zooming in would never part them. */
function samePoint(cluster) {
  const b = cluster.getBounds();
  return b.getNorth() - b.getSouth() < SAME_POINT_DEGREES && b.getEast() - b.getWest() < SAME_POINT_DEGREES;
}

/** Spread a cluster's markers apart around their point, then `then` (or zoom in if that fails). */
function spreadApart(layer, cluster, marker, then) {
  let done = false;
  const finish = function () {
    if (done) return;
    done = true;
    layer.off("spiderfied", finish);
    if (marker._map) then();
    else layer.zoomToShowLayer(marker, then);
  };
  layer.on("spiderfied", finish);
  cluster.spiderfy();
  window.setTimeout(finish, SPIDERFY_WAIT_MS); // in case the plugin does not say so
}

/** Run `then` once `marker` of the cluster group `layer` is on the map: out of its cluster, or spread apart with its neighbours. */
export function revealMarker(layer, marker, then) {
  if (!layer || !layer.getVisibleParent || !layer.hasLayer(marker) || marker._map) {
    then();
  } else if (layer._inZoomAnimation) {
    // The plugin re-clusters after every zoom (and will not spiderfy meanwhile): wait for it.
    layer.once("animationend", function () {
      revealMarker(layer, marker, then);
    });
  } else {
    const parent = layer.getVisibleParent(marker);
    if (parent && parent !== marker && samePoint(parent) && parent.spiderfy) spreadApart(layer, parent, marker, then);
    else layer.zoomToShowLayer(marker, then);
  }
}
