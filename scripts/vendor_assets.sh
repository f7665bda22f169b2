#!/usr/bin/env bash
# Copy the browser assets the page needs from node_modules/ (installed by `npm ci`)
# into static/vendor/, so that everything is served by the app itself: no CDN at run time.
# static/vendor/ is gitignored; `make install` runs this after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

NM=node_modules
OUT=static/vendor

for pkg in leaflet leaflet.markercluster topojson-client world-atlas esbuild; do
  if [ ! -d "$NM/$pkg" ]; then
    echo "vendor_assets: $NM/$pkg is missing; run 'npm ci' first" >&2
    exit 1
  fi
done

rm -rf "$OUT/leaflet" "$OUT/leaflet.markercluster" "$OUT/topojson-client" "$OUT/world-atlas" "$OUT/bundle"
mkdir -p "$OUT/leaflet/images" "$OUT/leaflet.markercluster" "$OUT/topojson-client" "$OUT/world-atlas" "$OUT/bundle"

# Leaflet: the JS, its CSS and the images the CSS refers to (relative URLs: images/...).
cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$OUT/leaflet/"
cp "$NM/leaflet/dist/images/"*.png "$OUT/leaflet/images/"
cp "$NM/leaflet/LICENSE" "$OUT/leaflet/LICENSE"

# leaflet.markercluster: groups dense markers into clusters that split on zoom.
cp "$NM/leaflet.markercluster/dist/leaflet.markercluster.js" \
   "$NM/leaflet.markercluster/dist/MarkerCluster.css" \
   "$NM/leaflet.markercluster/dist/MarkerCluster.Default.css" "$OUT/leaflet.markercluster/"
cp "$NM/leaflet.markercluster/MIT-LICENCE.txt" "$OUT/leaflet.markercluster/LICENSE"

# topojson-client: turns the Natural Earth TopoJSON into GeoJSON in the browser.
cp "$NM/topojson-client/dist/topojson-client.min.js" "$OUT/topojson-client/"
cp "$NM/topojson-client/LICENSE" "$OUT/topojson-client/LICENSE"

# world-atlas: Natural Earth 1:50m country outlines (public domain), the offline basemap.
cp "$NM/world-atlas/countries-50m.json" "$OUT/world-atlas/"
cp "$NM/world-atlas/LICENSE" "$OUT/world-atlas/LICENSE"

# Our ES modules as one classic script (esbuild, pinned in package.json): the downloadable
# story (web/takeaway.py) inlines it, since a file:// page cannot import modules. The bundle
# of static/P is static/vendor/bundle/P. (`make install` rebuilds it when static/js changes.)
"$NM/.bin/esbuild" static/js/story.js --bundle --format=iife --target=es2020 \
  --charset=utf8 --legal-comments=none --log-level=warning --outfile="$OUT/bundle/js/story.js"

echo "vendor_assets: copied into $OUT/"
