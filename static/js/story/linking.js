/*
 * Text <-> map: a click on a mention opens its place's popup, a click on a place in the
 * list opens it too, hovering either side marks both, and Up/Down move in the lists.
 */
import { cssEscape, flash } from "./dom.js";
import { hoverPlace, openPlace, placeKeyForMention, placeName, places } from "./map.js";
import { canEdit, page, setStatus } from "./page.js";
import { afterFlight, followMention } from "./steps.js";
import { markActive, mentionsAt, showInText } from "./text.js";

/** A mention was clicked: show its place on the map (or say it is not there). */
export function onMentionActivate(mention) {
  markActive(mention);
  const key = placeKeyForMention(mention);
  const start = mention.getAttribute("data-start");
  followMention(mention);
  const shown = function () {
    setStatus("Showing " + placeName(key, mention.textContent) + " on the map.");
  };
  if (key && places.markers[key] && places.map) {
    afterFlight(function () {
      openPlace(key, start, shown); // said once the marker is out of its cluster
    });
    return;
  }
  setStatus("“" + mention.textContent + "” could not be placed on the map.");
  const item = document.querySelector('.unresolved-button[data-start="' + cssEscape(start) + '"]');
  if (item) flash([item]);
}

/** Hovering (or focusing) an element matching `selector` in `container` marks its place. */
export function wireHover(container, selector) {
  if (!container) return;
  function handler(on) {
    return function (e) {
      const t = e.target.closest ? e.target.closest(selector) : null;
      if (!t || !container.contains(t)) return;
      const key = t.classList.contains("mention") ? placeKeyForMention(t) : t.getAttribute("data-place-key");
      if (key) hoverPlace(key, on);
    };
  }
  container.addEventListener("mouseover", handler(true));
  container.addEventListener("mouseout", handler(false));
  container.addEventListener("focusin", handler(true));
  container.addEventListener("focusout", handler(false));
}

/* Up/Down (and Home/End) move between the buttons of a list of places or mentions. */
function onListKey(e) {
  if (["ArrowDown", "ArrowUp", "Home", "End"].indexOf(e.key) === -1) return;
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  const list = t && t.closest && t.closest(".place-list, .review-list, .candidate-list");
  if (!list || t.tagName !== "BUTTON") return;
  const buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
  const i = buttons.indexOf(t);
  if (i < 0) return;
  const j = e.key === "Home" ? 0 : e.key === "End" ? buttons.length - 1 : e.key === "ArrowDown" ? i + 1 : i - 1;
  if (j < 0 || j >= buttons.length) return;
  e.preventDefault();
  buttons[j].focus();
}

/** Clicks on the page's place buttons, unresolved mentions and (read-only) review items. */
function onPageClick(e) {
  if (!e.target.closest) return;
  const place = e.target.closest(".place-button");
  if (place) {
    if (!openPlace(place.getAttribute("data-place-key"))) {
      setStatus("This place is not on the map.");
    }
    return;
  }
  const unresolved = e.target.closest(".unresolved-button");
  if (unresolved) showInText([unresolved.getAttribute("data-start")]);
  const item = e.target.closest(".review-open");
  if (item && !canEdit()) {
    // Read-only: an item of the review list shows its mention.
    const m = mentionsAt(item.getAttribute("data-start"))[0];
    if (m) {
      showInText([item.getAttribute("data-start")]);
      onMentionActivate(m);
    }
  }
}

/** Wire the article text, the list of places and the keyboard. */
export function wireText() {
  document.addEventListener("keydown", onListKey);
  const root = page.textEl;
  if (root) {
    root.addEventListener("click", function (e) {
      const mention = e.target.closest ? e.target.closest(".mention") : null;
      if (mention && root.contains(mention)) onMentionActivate(mention);
    });
    wireHover(root, ".mention");
  }
  wireHover(document.querySelector(".place-lists"), ".place-button");
  document.addEventListener("click", onPageClick);
}
