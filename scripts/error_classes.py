"""Sort the geoparser's errors on the development corpora into the classes of issue 11 and count them.

Reads the predictions ``scripts/evaluate.py --keep DIR`` leaves (``<corpus>-<run>.jsonl``; the run is
``pred`` for the production build, ``hand`` or ``oof``), or geoparses both corpora through the CLI
when no folder is given. Every matched gold mention resolved more than 161 km off (or left without a
point) and every predicted span the gold does not have gets one class, the first that fits:

- resolution: left unresolved; US state read as a town; "X County" / "Town, State" cue ignored;
  famous place dragged to a namesake; a local namesake read as the famous place (the local-news
  case: "Athens Police Department" in Texas); one sense across a long text; near-miss spelling; then
  the rest split by whether the gold place is a candidate of the name at all (OTHER_SPLIT: a
  gazetteer gap, placed at a far town, a wide or vague area or a namesake town chosen; or ranked
  lower: another kind of place, a namesake in the same or another country); other;
- recognition (spans that are not gold places): not a place (institution, organisation, brand,
  holiday, person, disease: by the words written next to it, ``geo/data/lexicon/not_place_cues.tsv``); near-miss
  spelling; other span.

Prints one line per class with its count per corpus, and apart the resolution errors > 1,000 km off;
then per resolution class how many errors have the gold place among the name's candidates (ranked
lower) and how many do not; with ``--list PREFIX``, every far error of the classes starting with PREFIX.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evaluate import CORPORA, FAR_KM, FLASK, RIGHT_KM, Corpus, load_scorer, predicted_mentions, read_jsonl  # noqa: E402
from geo import lexicon  # noqa: E402
from geo.geomath import great_circle_km  # noqa: E402
from geo.names import name_key  # noqa: E402
from geo.resolve import key_candidates, qualifier_after  # noqa: E402
from geo.types import Place, PlaceIndex  # noqa: E402

__all__ = ["CLASSES", "FarError", "Tally", "classify_corpus", "cue_class", "edit_distance", "main", "note_candidates",
           "other_class", "print_far_errors", "print_presence", "resolution_class"]

# "other (resolution)" split by whether the gold place is among the name's candidates at all
# (a gazetteer gap: no ranking can fix it) or is there but ranked lower (the ranker's headroom).
OTHER_SPLIT = ("no candidate: placed at a far town", "no candidate: wide or vague area",
               "no candidate: a namesake town chosen",
               "ranked lower: another kind of place", "ranked lower: same-country namesake",
               "ranked lower: other-country namesake")
RESOLUTION = ("left unresolved", "US state read as a town", "county/state cue ignored",
              "famous place dragged to a namesake", "local namesake read as the famous place",
              "one sense across a long text", "near-miss spelling (resolution)", *OTHER_SPLIT, "other (resolution)")
RECOGNITION = ("not a place: institution", "not a place: organisation", "not a place: brand",
               "not a place: holiday", "not a place: person", "not a place: disease",
               "near-miss spelling (recognition)", "other span (recognition)")
CLASSES = RESOLUTION + RECOGNITION
FAMOUS_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "ADM1", "PPLC", "PPLA", "CONT"})
FAMOUS_POPULATION = 100_000
_WORD_AFTER = re.compile(r"[\s,]*([A-Za-z]+)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s*$")
_REACH = 30  # characters looked at on either side of a span


@cache
def _cues() -> dict[tuple[str, str], frozenset[str]]:
    """(class, side) -> the name keys of its cue words."""
    return {(row[0], row[1]): frozenset(name_key(w) for w in row[2].split()) for row in lexicon.table("not_place_cues")}


def _word_after(text: str, end: int) -> str:
    """The name key of the word right after position end ("" when none)."""
    match = _WORD_AFTER.match(text[end:end + _REACH])
    return name_key(match.group(1)) if match else ""


def _word_before(text: str, start: int) -> str:
    """The name key of the word right before position start ("" when none)."""
    match = _WORD_BEFORE.search(text[max(0, start - _REACH):start])
    return name_key(match.group(1)) if match else ""


def cue_class(text: str, start: int, end: int, kind: str) -> bool:
    """Whether a cue word of class kind sits next to the span (after it, or before it)."""
    cues = _cues()
    return (_word_after(text, end) in cues.get((kind, "after"), frozenset())
            or _word_before(text, start) in cues.get((kind, "before"), frozenset()))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _near_miss(written: str, place_name: str | None) -> bool:
    """Whether a place's name is one or two letters away from what is written (not the same name)."""
    a, b = name_key(written), name_key(place_name or "")
    return bool(a and b) and a != b and len(a) >= 4 and edit_distance(a, b) <= 2


@dataclass(frozen=True)
class Gold:
    """A matched gold mention and its document."""

    text: str
    toponym: dict
    others: tuple[dict, ...]  # the document's other gold mentions with coordinates
    resolved: tuple[str, ...] = ()  # the document's predicted places, as "name (country)"


def _candidates(index: PlaceIndex, name: str) -> list[Place]:
    """The gazetteer's places for a looked-up name (with the towns of its full form, as the resolver)."""
    return key_candidates(index, name_key(name), 60)


def _near_gold(gold: Gold, pred: dict, index: PlaceIndex) -> list[Place]:
    """The name's candidates within RIGHT_KM of the gold point (empty: a gazetteer gap)."""
    t = gold.toponym
    return [p for p in _candidates(index, pred.get("name") or t["name"])
            if great_circle_km(t["lat"], t["lon"], p.lat, p.lon) <= RIGHT_KM]


def resolution_class(gold: Gold, pred: dict, index: PlaceIndex) -> str:
    """The class of a matched mention resolved more than 161 km off (or not at all)."""
    if pred["lat"] is None:
        return RESOLUTION[0]
    t, place = gold.toponym, pred.get("place") or {}
    near_gold = _near_gold(gold, pred, index)
    if any(p.feature_code == "ADM1" and p.country_code == "US" for p in near_gold) and place.get("feature_code") != "ADM1":
        return RESOLUTION[1]
    if qualifier_after(gold.text, t["end"]) or cue_class(gold.text, t["start"], t["end"], "cue"):
        return RESOLUTION[2]
    chosen_population = _population(index, place.get("geonameid"))
    if any(_famous(p.feature_code, p.population) and p.population > chosen_population for p in near_gold):
        return RESOLUTION[3]
    if near_gold and _famous(place.get("feature_code"), chosen_population) and all(
            p.population < chosen_population for p in near_gold):
        return RESOLUTION[4]
    key = name_key(t["name"])
    if any(name_key(o["name"]) == key and great_circle_km(t["lat"], t["lon"], o["lat"], o["lon"]) > RIGHT_KM
           for o in gold.others):
        return RESOLUTION[5]
    if pred.get("kind") != "demonym" and _near_miss(t["name"], place.get("name")):
        return RESOLUTION[6]
    return other_class(place, near_gold)


def other_class(place: dict, near_gold: Sequence[Place]) -> str:
    """The OTHER_SPLIT class of an error no class above fits: place is the chosen place's properties,
    near_gold the name's candidates near the gold point."""
    if not near_gold:
        if not place.get("geonameid") and not place.get("feature_code"):
            return OTHER_SPLIT[0]  # an approximate placement at another name's town
        return OTHER_SPLIT[2] if place.get("feature_class") == "P" else OTHER_SPLIT[1]
    if all(p.feature_class != place.get("feature_class") for p in near_gold):
        return OTHER_SPLIT[3]
    if any(p.country_code == place.get("country_code") for p in near_gold):
        return OTHER_SPLIT[4]
    return OTHER_SPLIT[5]


def _famous(feature_code: str | None, population: int) -> bool:
    """A country, first-level region, capital or seat, or a place of FAMOUS_POPULATION people or more."""
    return feature_code in FAMOUS_CODES or population >= FAMOUS_POPULATION


def _population(index: PlaceIndex, geonameid: int | None) -> int:
    """The population of a GeoNames place in the gazetteer (0 when unknown)."""
    place = index.place(f"gn:{geonameid}") if geonameid else None
    return place.population if place else 0


def recognition_class(text: str, pred: dict) -> str:
    """The class of a predicted span the gold does not have."""
    for kind, label in zip(("facility", "organisation", "brand", "holiday", "person", "disease"), RECOGNITION):
        if cue_class(text, pred["start"], pred["end"], kind):
            return label
    if pred.get("kind") != "demonym" and _near_miss(pred["text"], (pred.get("place") or {}).get("name")):
        return RECOGNITION[6]
    return RECOGNITION[7]


@dataclass(frozen=True)
class FarError:
    """A resolution error more than FAR_KM off, with what --list prints about it."""

    label: str
    gold: Gold
    pred: dict
    km: float
    near_gold: tuple[Place, ...]
    population: int  # of the chosen place


@dataclass
class Tally:
    """Counts per class, and per class those more than 1,000 km off and those whose gold place is
    no candidate of the name (a gazetteer gap); the far errors themselves."""

    errors: Counter[str]
    far: Counter[str]
    absent: Counter[str] = field(default_factory=Counter)
    far_errors: list[FarError] = field(default_factory=list)


def classify_corpus(corpus: Corpus, eval_dir: Path, pred_path: Path, index: PlaceIndex) -> Tally:
    """Every error of one corpus's predictions, counted by class."""
    scorer, preds = load_scorer(eval_dir), predicted_mentions(pred_path)
    tally = Tally(Counter(), Counter())
    coords_only = "--gold-coords-only" in corpus.score_args
    for doc in read_jsonl(eval_dir / corpus.filename):
        located = tuple(t for t in doc["toponyms"] if t.get("lat") is not None)
        gold = located if coords_only else doc["toponyms"]
        mine = preds.get(str(doc["id"]), [])
        pairs = scorer.match(gold, mine, doc["text"], corpus.score_args[1])
        matched = {id(p) for _, p in pairs}
        resolved = tuple(sorted({_place_label(p) for p in mine if p["lat"] is not None}))
        for g, p in pairs:
            _count_resolution(tally, Gold(doc["text"], g, located, resolved), p, index)
        for p in mine:
            if id(p) not in matched:
                tally.errors[recognition_class(doc["text"], p)] += 1
    return tally


def _count_resolution(tally: Tally, gold: Gold, pred: dict, index: PlaceIndex) -> None:
    """Count one matched mention if it is resolved wrong."""
    t = gold.toponym
    if t.get("lat") is None:
        return
    km = great_circle_km(t["lat"], t["lon"], pred["lat"], pred["lon"]) if pred["lat"] is not None else None
    if km is not None and km <= RIGHT_KM:
        return
    label = resolution_class(gold, pred, index)
    tally.errors[label] += 1
    tally.far[label] += km is not None and km > FAR_KM
    note_candidates(tally, label, gold, pred, index, km)


def note_candidates(tally: Tally, label: str, gold: Gold, pred: dict, index: PlaceIndex, km: float | None) -> None:
    """Count the error apart when its gold place is no candidate; keep it when it is far off."""
    near_gold = tuple(_near_gold(gold, pred, index))
    tally.absent[label] += not near_gold
    if km is not None and km > FAR_KM:
        population = _population(index, (pred.get("place") or {}).get("geonameid"))
        tally.far_errors.append(FarError(label, gold, pred, km, near_gold, population))


def _place_label(pred: dict) -> str:
    """A predicted mention's place as "name|country|admin1|feature code"."""
    place = pred.get("place") or {}
    return f"{place.get('name')}|{place.get('country_code')}|{place.get('admin1')}|{place.get('feature_code')}"


def print_presence(tallies: dict[str, Tally]) -> None:
    """Per resolution class: errors whose gold place is among the name's candidates (ranked lower) and
    those whose gold place is not (a gazetteer gap), per corpus."""
    heads = [f"{k} {part}" for k in tallies for part in ("ranked lower", "no candidate")]
    lines = [["resolution class", *heads]] + [
        [label, *(str(n) for t in tallies.values() for n in (t.errors[label] - t.absent[label], t.absent[label]))]
        for label in RESOLUTION]
    print()
    for cells in lines:
        print(f"{cells[0]:38s}" + "".join(f"{c:>18s}" for c in cells[1:]))


def print_far_errors(tallies: dict[str, Tally], prefix: str) -> None:
    """Every far error of the classes starting with prefix: name, gold and chosen place, distance,
    the gold's candidate (if any) and the article's other predicted places."""
    for key, tally in tallies.items():
        for e in tally.far_errors:
            if e.label.startswith(prefix):
                t, best = e.gold.toponym, max(e.near_gold, key=lambda p: p.population, default=None)
                right = (f"{best.name}|{best.country_code}|{best.admin1}|{best.feature_code}|{best.population}"
                         if best else "no candidate")
                print(f"{key} [{e.label}] {t['name']!r} {e.km:.0f} km: chose {_place_label(e.pred)} "
                      f"(pop {e.population}); gold ({t['lat']:.2f},{t['lon']:.2f}) {right}; "
                      f"article: {'; '.join(e.gold.resolved[:8])}")


def print_table(tallies: dict[str, Tally]) -> None:
    """One line per class: errors and > 1,000 km per corpus."""
    keys = list(tallies)
    print(f"{'class':38s}" + "".join(f"{k + ' errors':>12s}{k + ' >1000km':>13s}" for k in keys))
    for label in CLASSES:
        cells = "".join(f"{tallies[k].errors[label]:12d}{tallies[k].far[label] if label in RESOLUTION else '-':>13}"
                        for k in keys)
        print(f"{label:38s}{cells}")
    print(f"{'total':38s}" + "".join(f"{sum(tallies[k].errors.values()):12d}{sum(tallies[k].far.values()):13d}"
                                      for k in keys))


def _geoparse(corpus: Corpus, eval_dir: Path, workdir: Path) -> Path:
    """The production build's predictions for one corpus (flask geoparse)."""
    import json

    inp, out = workdir / f"{corpus.key}-in.jsonl", workdir / f"{corpus.key}-pred.jsonl"
    inp.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n"
                           for d in read_jsonl(eval_dir / corpus.filename)), encoding="utf-8")
    subprocess.run([*FLASK, "geoparse", str(inp), "-o", str(out)], cwd=ROOT, check=True)
    return out


def tallies_for(eval_dir: Path, pred_dir: Path | None, run: str, index: PlaceIndex,
                corpora: Sequence[Corpus] = CORPORA) -> dict[str, Tally]:
    """The tallies of every corpus, from kept predictions or a fresh CLI run."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {c.key: (pred_dir / f"{c.key}-{run}.jsonl" if pred_dir else _geoparse(c, eval_dir, Path(tmp)))
                 for c in corpora}
        return {c.key: classify_corpus(c, eval_dir, paths[c.key], index) for c in corpora}


def main(argv: list[str] | None = None) -> int:
    """Command line: scripts/error_classes.py [--shared ../shared] [--pred DIR --run oof]."""
    from geo.gazetteer import OfflineGazetteer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--index", default=str(ROOT / "instance" / "gazetteer.sqlite"))
    ap.add_argument("--pred", help="a folder of predictions kept by evaluate.py --keep")
    ap.add_argument("--run", default="pred", help="which kept run: pred (production), hand or oof")
    ap.add_argument("--list", metavar="PREFIX", help="print every far error of the classes starting with PREFIX")
    a = ap.parse_args(argv)
    tallies: Any = tallies_for(Path(a.shared) / "eval", Path(a.pred) if a.pred else None, a.run,
                               OfflineGazetteer(a.index))
    print_table(tallies)
    print_presence(tallies)
    if a.list:
        print_far_errors(tallies, a.list)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
