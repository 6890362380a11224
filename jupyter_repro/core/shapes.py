"""Checked reading of JSON values into typed models.

Locks, journals and history entries come from git and from other people: every value is
checked for its type where it is read, and the first mismatch names where it is
(`inputs/data.csv/size: expected an integer or null, got "12"`). Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class ShapeError(ValueError):
    """A JSON value is not of the shape its model requires."""

    def __init__(self, where: str, expected: str, value: object, *, missing: bool = False) -> None:
        self.where = where or "top level"
        shown = repr(value) if not isinstance(value, Mapping | list) else type(value).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        got = "it is missing" if missing else f"got {shown}"
        super().__init__(f"{self.where}: expected {expected}, {got}")


def child(where: str, key: object) -> str:
    return f"{where}/{key}" if where else str(key)


def obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ShapeError(where, "an object", value)
    return value


def field(data: Mapping[str, Any], key: str, where: str) -> Any:
    """A required key of an object."""
    if key not in data:
        raise ShapeError(child(where, key), "a value", None, missing=True)
    return data[key]


def string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ShapeError(where, "a string", value)
    return value


def opt_string(value: Any, where: str) -> str | None:
    return None if value is None else string(value, where)


def integer(value: Any, where: str, minimum: int | None = None) -> int:
    if type(value) is not int or (minimum is not None and value < minimum):
        expected = "an integer" if minimum is None else f"an integer >= {minimum}"
        raise ShapeError(where, expected, value)
    return value


def opt_integer(value: Any, where: str, minimum: int | None = None) -> int | None:
    return None if value is None else integer(value, where, minimum)


def number(value: Any, where: str) -> float:
    if type(value) not in (int, float):
        raise ShapeError(where, "a number", value)
    return float(value)


def opt_number(value: Any, where: str) -> float | None:
    return None if value is None else number(value, where)


def boolean(value: Any, where: str) -> bool:
    if type(value) is not bool:
        raise ShapeError(where, "true or false", value)
    return value


def opt_boolean(value: Any, where: str) -> bool | None:
    return None if value is None else boolean(value, where)


def array(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise ShapeError(where, "an array", value)
    return value


def strings(value: Any, where: str) -> tuple[str, ...]:
    return tuple(string(item, child(where, i)) for i, item in enumerate(array(value, where)))


def integers(value: Any, where: str, minimum: int | None = None) -> tuple[int, ...]:
    items = array(value, where)
    return tuple(integer(item, child(where, i), minimum) for i, item in enumerate(items))


def string_map(value: Any, where: str) -> dict[str, str]:
    return {k: string(v, child(where, k)) for k, v in obj(value, where).items()}


def opt_string_map(value: Any, where: str) -> dict[str, str | None]:
    return {k: opt_string(v, child(where, k)) for k, v in obj(value, where).items()}
