/*
 * A place's popup: its name, a line of facts, its passages one at a time (with a pager
 * when there are several), what to do with the passage, and a link to the place page.
 * Built from DOM nodes; every text from the GeoJSON goes in as text.
 */
import { button, el, isInt, percent, plural, text } from "./dom.js";
import { places } from "./map.js";
import { canEdit, page, placeUrl } from "./page.js";
import { mentionsAt, showInText } from "./text.js";

/** Where a mention sits in its passage: [start, end] in the passage's string, or null. */
function rangeInPassage(group, m, searchFrom) {
  const quote = typeof m.text === "string" ? m.text : "";
  let a = -1;
  if (isInt(group.passageStart) && isInt(m.start) && isInt(m.end)) {
    a = m.start - group.passageStart;
    const b = m.end - group.passageStart;
    if (a < 0 || b > group.passage.length || (quote && group.passage.slice(a, b) !== quote)) a = -1;
  }
  if (a < 0 && quote) {
    a = group.passage.indexOf(quote, searchFrom);
    if (a < 0) a = group.passage.indexOf(quote);
  }
  if (a < 0) return null;
  return [a, a + (quote ? quote.length : m.end - m.start)];
}

/** The non-overlapping ranges of a group's quotes in its passage, in order. */
function quoteRanges(group) {
  const ranges = [];
  let searchFrom = 0;
  group.mentions.forEach(function (m) {
    const r = rangeInPassage(group, m, searchFrom);
    if (r) {
      ranges.push(r);
      searchFrom = r[1];
    }
  });
  ranges.sort(function (x, y) {
    return x[0] - y[0];
  });
  return ranges.filter(function (r, i) {
    return i === 0 || r[0] >= ranges[i - 1][1];
  });
}

/** Group a place's mentions by passage; each group knows where its quotes are. */
export function passageGroups(mentions) {
  const groups = [];
  const byKey = {};
  mentions.forEach(function (m) {
    if (!m || typeof m !== "object") return;
    const passage = typeof m.passage === "string" && m.passage ? m.passage : m.text || "";
    const key = (isInt(m.article_id) ? m.article_id + "/" : "") +
      (isInt(m.passage_start) ? "at:" + m.passage_start : "tx:" + passage);
    let g = byKey[key];
    if (!g) {
      g = byKey[key] = { passage: passage, passageStart: m.passage_start, mentions: [] };
      groups.push(g);
    }
    g.mentions.push(m);
  });
  groups.forEach(function (g) {
    g.ranges = quoteRanges(g);
  });
  return groups;
}

function passageNode(group) {
  const q = el("blockquote", "passage");
  let cursor = 0;
  group.ranges.forEach(function (r) {
    if (r[0] > cursor) q.appendChild(text(group.passage.slice(cursor, r[0])));
    q.appendChild(el("mark", "quote", group.passage.slice(r[0], r[1])));
    cursor = r[1];
  });
  if (cursor < group.passage.length) q.appendChild(text(group.passage.slice(cursor)));
  return q;
}

/** About how many characters of a passage a phone's step tooltip shows (six short lines). */
export const TOOLTIP_CHARS = 200;

/** The quote range of the mention at `start` (an offset in the story), else the group's first. */
function ownRange(group, start) {
  const at = isInt(group.passageStart) ? Number(start) - group.passageStart : NaN;
  return group.ranges.find(function (r) { return r[0] === at; }) || group.ranges[0] || [0, 0];
}

/**
 * A passage group cut to about `max` characters around the quote of the mention at `start`
 * (a third of the room before it), at word boundaries, with "…" where it is cut; the group
 * itself when it is short enough.
 */
export function excerpt(group, start, max) {
  const passage = group.passage;
  if (passage.length <= max) return group;
  const own = ownRange(group, start);
  let from = Math.max(0, Math.min(own[0] - Math.floor((max - (own[1] - own[0])) / 3), passage.length - max));
  let to = Math.max(own[1], Math.min(passage.length, from + max));
  const space = from > 0 ? passage.indexOf(" ", from - 1) : -1;
  if (space >= 0 && space < own[0]) from = space + 1;
  const back = to < passage.length ? passage.lastIndexOf(" ", to) : -1;
  if (back >= own[1]) to = back;
  const lead = from > 0 ? "… " : "";
  const ranges = group.ranges
    .filter(function (r) { return r[0] >= from && r[1] <= to; })
    .map(function (r) { return [r[0] - from + lead.length, r[1] - from + lead.length]; });
  const cut = lead + passage.slice(from, to) + (to < passage.length ? " …" : "");
  return Object.assign({}, group, { passage: cut, ranges: ranges });
}

/** A step's tooltip on a phone: the place's name and the step's passage around its mention, marked. */
export function stepPassageNode(feature, start) {
  const p = (feature && feature.properties) || {};
  const mentions = Array.isArray(p.mentions) ? p.mentions : [];
  const groups = passageGroups(mentions);
  const box = el("div", "step-tooltip");
  box.appendChild(el("strong", "step-tooltip-name", p.name || ""));
  const g = groups[currentGroup(groups, start)];
  if (g) box.appendChild(passageNode(excerpt(g, start, TOOLTIP_CHARS)));
  return box;
}

function matchNote(p, mentions) {
  if (p.reviewed) {
    const m = mentions[0] || {};
    return "reviewed" + (m.reviewed_by ? " by " + m.reviewed_by : "");
  }
  if (p.approximate) return "approximate placement: please review";
  const note = "match " + percent(p.confidence) + " sure";
  return p.uncertain ? note + " (uncertain)" : note;
}

function titleNode(p) {
  const title = el("h3", "popup-title", p.name || "Unnamed place");
  if (p.country_code) {
    title.appendChild(text(" "));
    title.appendChild(el("span", "cc", p.country_code));
  }
  return title;
}

/** Where the place is (admin-1 region, country), so that namesakes can be told apart; null when unknown. */
export function whereLine(p) {
  const parts = [p.admin1, p.country].filter(function (s) {
    return typeof s === "string" && s.trim() && s !== p.name;
  });
  return parts.length ? parts.join(", ") : null;
}

function metaNode(p, mentions) {
  const meta = el("p", "popup-meta", plural(mentions.length, "mention"));
  if (page.mode === "story") meta.appendChild(text(" · " + matchNote(p, mentions)));
  if (isInt(p.geonameid)) {
    meta.appendChild(text(" · "));
    const a = el("a", null, "GeoNames " + p.geonameid);
    a.href = "https://www.geonames.org/" + p.geonameid;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    meta.appendChild(a);
  }
  return meta;
}

/** The group holding the mention at `start` (0 when none). */
function currentGroup(groups, start) {
  let index = 0;
  groups.forEach(function (g, i) {
    g.mentions.forEach(function (m) {
      if (start !== null && start !== undefined && m.start === Number(start)) index = i;
    });
  });
  return index;
}

/** The library map: a link to the passage in its story. */
function libraryActions(actions, g) {
  const m0 = g.mentions[0] || {};
  if (m0.article_url) {
    const read = el("a", "show-in-text", "Read in the story");
    read.href = m0.article_url;
    actions.appendChild(read);
  }
}

/** An article: show the passage in the text, and review its match (editors). */
function storyActions(actions, starts, hooks) {
  const show = button("show-in-text", "Show in text", "Show this passage in the text");
  show.setAttribute("data-starts", starts.join(","));
  show.addEventListener("click", function () {
    showInText(starts);
  });
  actions.appendChild(show);
  const first = isInt(starts[0]) ? mentionsAt(starts[0])[0] : null;
  const mid = first ? Number(first.getAttribute("data-mention-id")) : null;
  if (isInt(mid) && canEdit()) {
    const review = button("show-in-text review-this", "Review", "Review this match");
    review.addEventListener("click", function () {
      hooks.review(mid);
    });
    actions.appendChild(review);
  }
}

/** One passage with its article title (library) and its actions. */
function fillPassage(slot, g, hooks) {
  slot.textContent = "";
  if (!g) return;
  if (page.mode === "library" && g.mentions[0] && g.mentions[0].article_title) {
    slot.appendChild(el("p", "popup-article", g.mentions[0].article_title));
  }
  slot.appendChild(passageNode(g));
  const starts = g.mentions.map(function (m) {
    return m.start;
  }).filter(isInt);
  const actions = el("div", "popup-actions");
  if (page.mode === "library") libraryActions(actions, g);
  else if (starts.length) storyActions(actions, starts, hooks);
  slot.appendChild(actions);
}

/** The passages one at a time, with ‹ › buttons when there are several. */
function passagePager(box, groups, hooks) {
  let index = currentGroup(groups, places.currentStart);
  const pager = el("div", "popup-pager");
  const prev = button("pager-prev", "‹", "Previous passage");
  const pos = el("span", "pager-pos");
  pos.setAttribute("aria-live", "polite");
  const next = button("pager-next", "›", "Next passage");
  pager.append(prev, pos, next);
  if (groups.length > 1) box.appendChild(pager);
  const slot = el("div", "popup-passage is-current");
  box.appendChild(slot);
  function render() {
    pos.textContent = index + 1 + " of " + plural(groups.length, "passage");
    prev.disabled = index === 0;
    next.disabled = index >= groups.length - 1;
    fillPassage(slot, groups[index], hooks);
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
}

/**
 * The popup of a place's GeoJSON feature. `hooks.review(mentionId)` opens the review
 * tools for a mention (only offered to editors).
 */
export function popupContent(feature, hooks) {
  const p = feature.properties || {};
  const mentions = Array.isArray(p.mentions) ? p.mentions : [];
  const box = el("div", "place-popup");
  const key = p.place_key == null ? "" : String(p.place_key);
  box.setAttribute("data-place-key", key);
  box.appendChild(titleNode(p));
  const where = whereLine(p);
  if (where) box.appendChild(el("p", "popup-where", where));
  box.appendChild(metaNode(p, mentions));
  passagePager(box, passageGroups(mentions), hooks);
  const url = placeUrl(key);
  if (url) {
    const all = el("a", "popup-place-link", "Every passage about " + (p.name || "this place"));
    all.href = url;
    box.appendChild(all);
  }
  return box;
}
