/*
 * Safe DOM builders and small helpers. Text always goes in with textContent or text
 * nodes, never as HTML: everything derived from an article is shown as plain text.
 */

export const FLASH_MS = 2000;

export const reduceMotion =
  !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

/** A new element with an optional class name and text content. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A text node. */
export function text(value) {
  return document.createTextNode(value);
}

/** A `<button type="button">` with a class, a text and an optional aria-label. */
export function button(className, label, ariaLabel) {
  const node = el("button", className, label);
  node.type = "button";
  if (ariaLabel) node.setAttribute("aria-label", ariaLabel);
  return node;
}

/** The element with this id, or null. */
export function byId(id) {
  return document.getElementById(id);
}

export function each(list, fn) {
  Array.prototype.forEach.call(list || [], fn);
}

export function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

export function cssEscape(value) {
  if (window.CSS && CSS.escape) return CSS.escape(String(value));
  return String(value).replace(/[^a-zA-Z0-9_-]/g, "\\$&");
}

export function isInt(n) {
  return typeof n === "number" && isFinite(n) && Math.floor(n) === n;
}

export function percent(x) {
  return typeof x === "number" && isFinite(x) ? Math.round(x * 100) + "%" : "";
}

export function scrollBehavior() {
  return reduceMotion ? "auto" : "smooth";
}

/** Briefly highlight nodes (the CSS animation of .flash). */
export function flash(nodes) {
  nodes.forEach(function (node) {
    node.classList.remove("flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("flash");
    window.setTimeout(function () {
      node.classList.remove("flash");
    }, FLASH_MS);
  });
}
