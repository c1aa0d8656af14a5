"""Filters a read can narrow by, evaluated by DynamoDB (only matches travel back)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Eq:
    attribute: str
    value: Any


@dataclass(frozen=True)
class Contains:
    attribute: str
    text: str


@dataclass(frozen=True)
class OneOf:
    attribute: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class AnyOf:
    """Matches when every filter of at least one group matches."""
    groups: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Missing:
    """Matches items without the attribute."""
    attribute: str


Filter = Eq | Contains | OneOf | AnyOf | Missing


def expression(filters: tuple[Filter, ...], names: dict[str, str], values: dict[str, Any],
               prefix: str = "f") -> str:
    """The FilterExpression of `filters` (ANDed); fills `names` and `values` as it goes."""
    parts = []
    for n, f in enumerate(filters):
        name = f"{prefix}{n}"
        if isinstance(f, AnyOf):
            groups = [expression(group, names, values, f"{name}_{g}_") for g, group in enumerate(f.groups)]
            parts.append("(" + " OR ".join(f"({g})" for g in groups) + ")")
            continue
        names[f"#{name}"] = f.attribute
        if isinstance(f, Eq):
            values[f":{name}"] = f.value
            parts.append(f"#{name} = :{name}")
        elif isinstance(f, Contains):
            values[f":{name}"] = f.text
            parts.append(f"contains(#{name}, :{name})")
        elif isinstance(f, Missing):
            parts.append(f"attribute_not_exists(#{name})")
        else:
            options = []
            for m, v in enumerate(f.values):
                values[f":{name}_{m}"] = v
                options.append(f":{name}_{m}")
            parts.append(f"#{name} IN ({', '.join(options)})")
    return " AND ".join(parts)
