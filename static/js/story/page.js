/*
 * The page's store: which page this is and its main elements, found once by main.js.
 * - page.story: the element with data-geojson-url (#story), null on other pages
 * - page.mode: "story" (an article) or "library" (#story[data-mode=library], the map of all stories)
 * - page.status: the map's status line; page.textEl: the article text (#article-text)
 * Also the story page's embed code (#embed-snippet) and its Copy button.
 */
import { byId } from "./dom.js";

export const page = {
  mode: "story",
  story: null,
  status: null,
  textEl: null,
};

/** Fill the store from the document. */
export function readPage() {
  page.story = document.querySelector("[data-geojson-url]");
  page.mode = (page.story && page.story.getAttribute("data-mode")) || "story";
  page.status = byId("map-status");
  page.textEl = byId("article-text");
}

/** A data-* attribute of the story element (null when missing). */
export function storyData(name) {
  return page.story ? page.story.getAttribute("data-" + name) : null;
}

/** Can this visitor correct the story (the corrections URL is only there for editors)? */
export function canEdit() {
  return !!storyData("corrections-url");
}

/** Show a message in the map's status line. */
export function setStatus(message) {
  if (page.status) page.status.textContent = message || "";
}

/** Say a message to screen readers (the polite live region under the step controls). */
export function announce(message) {
  const live = byId("step-status");
  if (live) live.textContent = message || "";
}

/** The place page's URL for a place key, or null (unresolved mentions have none). */
export function placeUrl(key) {
  const tpl = storyData("place-url");
  if (!tpl || !key || key.indexOf("unresolved:") === 0) return null;
  return tpl.replace("PLACE", encodeURIComponent(key).replace(/%3A/g, ":").replace(/%40/g, "@"));
}

/** The story page's embed code: its Copy button copies it (or selects it to copy by hand). */
export function wireEmbedCopy() {
  const code = byId("embed-snippet");
  const button = byId("embed-copy");
  if (!code || !button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    code.select();
    const byHand = function () {
      button.textContent = "Selected: copy with Ctrl+C";
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) return byHand();
    navigator.clipboard.writeText(code.value).then(function () {
      button.textContent = "Copied";
    }, byHand);
  });
}
