/*
 * Text offsets <-> DOM positions in the article text. The text's DOM text equals the
 * article text. Offsets from the server are Python code points; JavaScript strings
 * count UTF-16 units (an emoji is 1 vs 2).
 */
import { isInt } from "./dom.js";

function isHigh(c) {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The length of a string in code points. */
export function cpLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHigh(s.charCodeAt(i)) && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

function unitIndex(s, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    i += isHigh(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** The text node and UTF-16 offset in `root` at a code-point offset, or null. */
export function domPoint(root, offset) {
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let node;
  while ((node = walker.nextNode())) {
    const len = cpLength(node.nodeValue);
    if (offset <= seen + len) return { node: node, offset: unitIndex(node.nodeValue, offset - seen) };
    seen += len;
  }
  return null;
}

/** The code-point offset in `root`'s text of a DOM position, or -1 outside it. */
export function textOffset(root, node, offset) {
  if (!root || !root.contains(node)) return -1;
  const r = document.createRange();
  r.setStart(root, 0);
  r.setEnd(node, offset);
  return cpLength(r.toString());
}

/** Highlight the text between two code-point offsets (CSS Custom Highlight API); null clears. */
export function highlightPassage(root, start, end) {
  if (!(window.CSS && CSS.highlights && window.Highlight)) return;
  CSS.highlights.delete("story-passage");
  if (!isInt(start) || !isInt(end) || end <= start) return;
  const a = domPoint(root, start);
  const b = domPoint(root, end);
  if (!a || !b) return;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  CSS.highlights.set("story-passage", new Highlight(range));
}
