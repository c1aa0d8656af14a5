"""LGL's query parameters: `limit`/`offset`, search terms (`q[]`), `sort` and `expand`.

Unknown plain parameters are ignored, as LGL does (clients send extras); a bad value of a
known one is a 400 "Parameter Error" naming it. Search terms come as `q[]=term=value`, its
encoded form `q%5B%5D=...` or a bare `q=...`, repeated or joined by `;`, and are ANDed; `+`
in a value is a space (API Gateway passes it through undecoded).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalice.app import Request

from ...domain import lifecycle
from .errors import ParameterError

DEFAULT_LIMIT = 25
MAX_LIMIT = 500
TERM_PARAMETERS = ("q[]", "q")


def first(request: Request, name: str) -> str | None:
    params = request.query_params or {}
    values = params.getlist(name) if name in params else []
    return values[0] if values else None


def bad(name: str, message: str) -> ParameterError:
    from ...errors import FieldError

    return ParameterError(f"{name} {message}", [FieldError(name, message)])


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int


def window(request: Request) -> Window:
    """`limit` (0 to MAX_LIMIT, default 25; 0 answers only the total) and `offset` (default 0)."""
    out = {}
    for name, default, most in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("offset", 0, None)):
        raw = first(request, name)
        if raw is None or raw == "":
            out[name] = default
            continue
        number = lifecycle.whole_number(raw.strip())
        if number is None or (most is not None and number > most):
            limit = f"from 0 to {most}" if most is not None else "of 0 or more"
            raise bad(name, f"must be an integer {limit}, not {raw[:40]!r}")
        out[name] = number
    return Window(**out)


def terms(request: Request) -> list[tuple[str, str]]:
    """Every search term sent, as (term, value), in order."""
    params = request.query_params or {}
    out: list[tuple[str, str]] = []
    for name in TERM_PARAMETERS:
        for raw in (params.getlist(name) if name in params else []):
            for part in raw.split(";"):
                part = part.replace("+", " ")
                if not part.strip():
                    continue
                term, equals, value = part.partition("=")
                term = term.strip()
                if not equals or not term:
                    raise bad("q[]", f"terms are term=value, not {part[:60]!r}")
                out.append((term, value.strip()))
    return out


def sort(request: Request, keys: tuple[str, ...], default: str) -> tuple[str, bool]:
    """(key, descending): one of `keys`, reversed by a trailing `!`."""
    raw = (first(request, "sort") or "").strip()
    if not raw:
        return default, False
    key, descending = (raw[:-1], True) if raw.endswith("!") else (raw, False)
    if key not in keys:
        raise bad("sort", f"must be one of {', '.join(keys)} (with ! to reverse), not {raw[:40]!r}")
    return key, descending


def expand(request: Request, options: tuple[str, ...]) -> set[str]:
    raw = first(request, "expand") or ""
    wanted = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(wanted - set(options))
    if unknown:
        raise bad("expand", f"knows {', '.join(options)}, not {', '.join(unknown)[:80]}")
    return wanted
