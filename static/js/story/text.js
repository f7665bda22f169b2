/*
 * The article text's side of the page: its mention buttons and the list of places.
 * Nothing here knows about the map.
 */
import { cssEscape, each, flash, scrollBehavior } from "./dom.js";
import { page } from "./page.js";

/** The mention buttons starting at a code-point offset (a string or a number). */
export function mentionsAt(start) {
  if (!page.textEl) return [];
  return Array.prototype.slice.call(
    page.textEl.querySelectorAll('.mention[data-start="' + cssEscape(start) + '"]')
  );
}

/** The mention buttons of a place. */
export function mentionsOf(key) {
  if (!page.textEl) return [];
  return page.textEl.querySelectorAll('.mention[data-place-key="' + cssEscape(key) + '"]');
}

/** Make one mention the active one (null: none). */
export function markActive(mention) {
  const prev = page.textEl ? page.textEl.querySelectorAll(".mention.is-active") : [];
  each(prev, function (node) {
    node.classList.remove("is-active");
    node.removeAttribute("aria-current");
  });
  if (mention) {
    mention.classList.add("is-active");
    mention.setAttribute("aria-current", "true");
  }
}

/** Mark a place's mentions and its item in the list of places as selected (or not). */
export function selectPlaceInText(key, on) {
  if (key == null) return;
  each(mentionsOf(key), function (node) {
    node.classList.toggle("is-selected", on);
  });
  const item = document.querySelector('.place-button[data-place-key="' + cssEscape(key) + '"]');
  if (item) {
    item.classList.toggle("is-selected", on);
    if (on) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
}

/** Mark a place's mentions as hovered (or not). */
export function hoverText(key, on) {
  each(mentionsOf(key), function (n) {
    n.classList.toggle("is-hover", on);
  });
}

/** Scroll to the mentions at these start offsets, flash them and focus the first. */
export function showInText(starts) {
  let nodes = [];
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
