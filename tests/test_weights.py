"""geo/weights.py: the resolver's weights as one frozen, documented value."""
from __future__ import annotations

import ast
import dataclasses
import inspect
import math
from pathlib import Path

import pytest

from geo.weights import DEFAULT_WEIGHTS, ResolveWeights

FIELDS = dataclasses.fields(ResolveWeights)


def _numbers(value: object) -> list[float]:
    return list(value.values()) if isinstance(value, dict) or hasattr(value, "values") else [value]


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_every_field_is_a_finite_number(field: dataclasses.Field) -> None:
    for number in _numbers(getattr(DEFAULT_WEIGHTS, field.name)):
        assert isinstance(number, (int, float)) and not isinstance(number, bool), field.name
        assert math.isfinite(number), field.name


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_every_field_is_documented(field: dataclasses.Field) -> None:
    """Each field is followed by a docstring saying what it weighs and where."""
    tree = ast.parse(inspect.getsource(ResolveWeights))
    body = tree.body[0].body
    for i, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and node.target.id == field.name:
            doc = body[i + 1]
            assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant), field.name
            assert len(doc.value.value.strip()) > 10, field.name
            return
    pytest.fail(f"{field.name} not found")


def test_default_instance_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_WEIGHTS.demonym_bonus = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFAULT_WEIGHTS.code_bonus["PCLI"] = 0.0  # type: ignore[index]


def test_defaults_are_one_instance_and_replace_makes_another() -> None:
    assert ResolveWeights() == DEFAULT_WEIGHTS
    other = dataclasses.replace(DEFAULT_WEIGHTS, rescore_rounds=1)
    assert other.rescore_rounds == 1 and DEFAULT_WEIGHTS.rescore_rounds == 3


@pytest.mark.parametrize(
    ("code", "bonus"),
    [("CONT", 9.0), ("OCN", 8.0), ("PCLI", 4.5), ("ADM1", 2.3), ("PPLC", 2.5), ("ADM2", -0.3), ("PPL", 0.0)],
)
def test_code_bonus_table(code: str, bonus: float) -> None:
    assert DEFAULT_WEIGHTS.code_bonus[code] == bonus


def test_resolve_has_no_inline_weights() -> None:
    """The numbers left in geo/resolve.py are arithmetic (0, 1, 2), string slicing ("the ", " s":
    3, 4; hash digits: 8, 9), the qualifier reach (40), the place_id column (64) and the
    candidate limit parameter (60): no weights."""
    source = (Path(__file__).resolve().parent.parent / "geo" / "resolve.py").read_text(encoding="utf-8")
    numbers = {node.value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Constant) and type(node.value) in (int, float)}
    assert numbers <= {0, 0.0, 1, 1.0, 2, 3, 4, 8, 9, 40, 60, 64}
