"""JSON:API content negotiation: `application/vnd.api+json`, and the spec's rules on its
media type parameters.

- A request body must be sent as `application/vnd.api+json` (415 otherwise). A JSON:API
  Content-Type with a parameter other than `profile` is a 415 (`charset` included, as the
  spec says); `ext` names an extension, and this server supports none (415).
- An Accept header must allow the JSON:API type (406 otherwise): absent, `*/*`,
  `application/*` or `application/vnd.api+json` do. When Accept names the JSON:API type,
  at least one instance must carry no parameter but `profile` (406 otherwise, even with
  `*/*` beside it). `q` is a weight, not a media type parameter; `q=0` refuses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalice.app import Request

from ...errors import FieldError, NotAcceptable, UnsupportedMediaType

JSONAPI = "application/vnd.api+json"
_TYPE = ("application", "vnd.api+json")
_ALLOWED_PARAMETERS = frozenset({"profile"})

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_RANGE = re.compile(rf"[ \t]*({_TOKEN})/({_TOKEN})[ \t]*")
_PARAMETER = re.compile(rf";[ \t]*({_TOKEN})[ \t]*=[ \t]*({_TOKEN}|{_QUOTED})[ \t]*")
_EMPTY_PARAMETER = re.compile(r";[ \t]*")
_WEIGHT = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")


class Header(FieldError):
    """A FieldError about a request header (JSON:API `source.header`)."""


@dataclass
class MediaRange:
    type: str
    subtype: str
    parameters: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0

    @property
    def is_jsonapi(self) -> bool:
        return (self.type, self.subtype) == _TYPE

    def unsupported(self) -> list[str]:
        return sorted(name for name in self.parameters if name not in _ALLOWED_PARAMETERS)


class Malformed(ValueError):
    pass


def parse(header: str, *, many: bool) -> list[MediaRange]:
    """Media ranges of an Accept header (`many`) or the one media type of a Content-Type."""
    out: list[MediaRange] = []
    position = 0
    while True:
        match = _RANGE.match(header, position)
        if not match:
            raise Malformed(header)
        media = MediaRange(match[1].lower(), match[2].lower())
        position = match.end()
        in_accept_extensions = False
        while position < len(header) and header[position] == ";":
            parameter = _PARAMETER.match(header, position)
            if not parameter:  # "type/sub;" : an empty parameter is harmless
                empty = _EMPTY_PARAMETER.match(header, position)
                position = empty.end()
                continue
            name, value = parameter[1].lower(), parameter[2]
            position = parameter.end()
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            if many and name == "q" and not in_accept_extensions:
                if not _WEIGHT.match(value):
                    raise Malformed(header)
                media.weight = float(value)
                in_accept_extensions = True  # what follows q are accept extensions, not media type parameters
            elif not in_accept_extensions:
                media.parameters[name] = value
        out.append(media)
        if position == len(header):
            return out
        if not many or header[position] != ",":
            raise Malformed(header)
        position += 1
        while position < len(header) and header[position] in " \t,":  # empty list elements
            position += 1
        if position == len(header):
            return out


def check_content_type(request: Request, *, has_body_semantics: bool) -> None:
    """415 unless the request's body (if any) is declared as plain JSON:API.

    For a GET (`has_body_semantics` false) only a JSON:API Content-Type with forbidden
    parameters is refused; any other type is ignored, since a GET carries no body.
    """
    raw = request.headers.get("content-type")
    body = request.raw_body or b""
    if raw is None or not raw.strip():
        if has_body_semantics and body.strip():
            raise _unsupported(f"Send a request body as {JSONAPI}, with a Content-Type header.")
        return
    try:
        (media,) = parse(raw, many=False)
    except Malformed:
        if not has_body_semantics:
            return
        raise _unsupported(f"Content-Type {raw[:100]!r} is not a media type; use {JSONAPI}.") from None
    if not media.is_jsonapi:
        if has_body_semantics:
            raise _unsupported(f"Send requests as {JSONAPI}, not {media.type}/{media.subtype}.")
        return
    if "ext" in media.parameters:
        raise _unsupported("This server supports no JSON:API extensions; drop the ext parameter.")
    unsupported = media.unsupported()
    if unsupported:
        raise _unsupported(
            f"JSON:API forbids media type parameters ({', '.join(unsupported)}) on {JSONAPI}; "
            f"send Content-Type: {JSONAPI} exactly."
        )


def check_accept(request: Request) -> None:
    """406 unless the Accept header (absent is fine) allows plain JSON:API."""
    raw = request.headers.get("accept")
    if raw is None or not raw.strip():
        return
    try:
        ranges = parse(raw, many=True)
    except Malformed:
        raise _not_acceptable(f"The Accept header could not be read; send Accept: {JSONAPI}.") from None
    ours = [r for r in ranges if r.is_jsonapi]
    if ours:
        usable = [r for r in ours if not r.unsupported()]
        if not usable:
            raise _not_acceptable(
                f"Every {JSONAPI} in Accept carries media type parameters JSON:API forbids "
                f"({', '.join(sorted({p for r in ours for p in r.unsupported()}))}); "
                f"accept {JSONAPI} without them."
            )
        if any(r.weight > 0 for r in usable):
            return
        raise _not_acceptable(f"Accept refuses {JSONAPI} (q=0), the only type served here.")
    if any((r.type, r.subtype) in (("*", "*"), ("application", "*")) and r.weight > 0 for r in ranges):
        return
    raise _not_acceptable(f"This API answers only in {JSONAPI}; Accept does not allow it.")


def _unsupported(detail: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(detail, [Header("Content-Type", detail)])


def _not_acceptable(detail: str) -> NotAcceptable:
    return NotAcceptable(detail, [Header("Accept", detail)])
