"""The deployments file: which stacks `infra/app.py` synthesizes, validated before any CDK runs.

    {
      "defaults": {"region": "eu-west-1", "alarm_email": "ops@example.org"},
      "stacks": [
        {"org": "hope-shelter"},
        {"org": "acme", "account": "111111111111", "region": "us-east-1", "sweep_minutes": 10},
        {"shared": true, "name": "pilot", "orgs": ["tiny-trust", "food-bank"]}
      ]
    }

Every stack entry is either one organisation's stack (`org`) or a shared multi-tenant stack
(`shared: true`, a `name` and the `orgs` it serves). The other keys, also allowed in
`defaults` (an entry's own value wins), are in `SETTINGS`. A mistake stops the synth with
one message naming the file, the entry and the field.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from chalicelib.store.keys import ORG_ID_PATTERN

STACK_PREFIX = "DonorRelations-"
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The retention periods CloudWatch Logs accepts.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)


class DeploymentsError(ValueError):
    """The deployments file is wrong; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Deployment:
    """One stack to synthesize."""
    name: str                      # the org id, or the shared stack's name
    orgs: tuple[str, ...]          # the organisations its table serves
    shared: bool = False
    account: str | None = None     # None: the account of the credentials `cdk deploy` runs with
    region: str | None = None      # None: the region of those credentials
    sweep_minutes: int = 5         # how often the follow-up sweep runs
    alarm_emails: tuple[str, ...] = ()
    memory_mb: int = 512           # both Lambda functions (CPU grows with memory: cold starts)
    log_retention_days: int = 90

    @property
    def stack_name(self) -> str:
        return STACK_PREFIX + self.name


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be an integer from {low} to {high}, got {json.dumps(value)}")
        return value
    return check


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"must be {what}, got {json.dumps(value)}")
        return value
    return check


def _emails(value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise ValueError(f"must be an e-mail address or a list of them, got {json.dumps(value)}")
    check = _matching(_EMAIL, "an e-mail address")
    return tuple(check(v) for v in values)


def _retention(value: Any) -> int:
    if isinstance(value, bool) or value not in LOG_RETENTION_DAYS:
        allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
        raise ValueError(f"must be one of {allowed} (what CloudWatch Logs accepts), got {json.dumps(value)}")
    return value


_ORG_RULE = "an organisation id (2-63 lower-case letters, digits and '-', starting with a letter or digit)"
_org_id = _matching(ORG_ID_PATTERN, _ORG_RULE)

# Settings an entry (or `defaults`) may carry: key -> (Deployment field, validator).
SETTINGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "account": ("account", _matching(_ACCOUNT, "a 12-digit AWS account id")),
    "region": ("region", _matching(_REGION, "an AWS region such as eu-west-1")),
    "sweep_minutes": ("sweep_minutes", _int_between(1, 1440)),
    "alarm_email": ("alarm_emails", _emails),
    "memory_mb": ("memory_mb", _int_between(128, 10240)),
    "log_retention_days": ("log_retention_days", _retention),
}
_IDENTITY = ("org", "shared", "name", "orgs")
_FREE_TEXT = ("comment",)


def _label(index: int, entry: Any) -> str:
    label = f"stacks[{index}]"
    if isinstance(entry, dict):
        for key in ("org", "name"):
            if isinstance(entry.get(key), str):
                return f'{label} ({key} "{entry[key]}")'
    return label


def _settings(raw: dict[str, Any], where: str) -> dict[str, Any]:
    values = {}
    for key, (field, check) in SETTINGS.items():
        if key in raw and raw[key] is not None:
            try:
                values[field] = check(raw[key])
            except ValueError as exc:
                raise DeploymentsError(f"{where}: {key} {exc}") from None
    return values


def _unknown(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    extra = sorted(set(raw) - set(allowed))
    if extra:
        raise DeploymentsError(f"{where}: unknown field {extra[0]!r} (allowed: {', '.join(allowed)})")


def _entry(index: int, raw: Any, defaults: dict[str, Any]) -> Deployment:
    where = _label(index, raw)
    if not isinstance(raw, dict):
        raise DeploymentsError(f"{where}: must be an object, got {json.dumps(raw)}")
    _unknown(raw, (*_IDENTITY, *SETTINGS, *_FREE_TEXT), where)
    shared = raw.get("shared", False)
    if not isinstance(shared, bool):
        raise DeploymentsError(f"{where}: shared must be true or false, got {json.dumps(shared)}")
    try:
        if shared:
            for key in ("name", "orgs"):
                if key not in raw:
                    raise DeploymentsError(f"{where}: {key} is required for a shared stack")
            if "org" in raw:
                raise DeploymentsError(f"{where}: org is for a one-organisation stack; "
                                       "a shared stack lists its organisations in orgs")
            name = _matching(ORG_ID_PATTERN, "a stack name (same rule as an organisation id)")(raw["name"])
            orgs_raw = raw["orgs"]
            if not isinstance(orgs_raw, list) or not orgs_raw:
                raise DeploymentsError(f"{where}: orgs must be a non-empty list of organisation ids")
            orgs = []
            for position, org in enumerate(orgs_raw):
                try:
                    orgs.append(_org_id(org))
                except ValueError as exc:
                    raise DeploymentsError(f"{where}: orgs[{position}] {exc}") from None
                if orgs.count(org) > 1:
                    raise DeploymentsError(f"{where}: orgs[{position}] repeats {org!r}")
        else:
            if "org" not in raw:
                raise DeploymentsError(f"{where}: org is required (or \"shared\": true with a name and orgs)")
            for key in ("name", "orgs"):
                if key in raw:
                    raise DeploymentsError(f"{where}: {key} is only for a shared stack (\"shared\": true)")
            name = _org_id(raw["org"])
            orgs = [name]
    except ValueError as exc:
        if isinstance(exc, DeploymentsError):
            raise
        field = "name" if shared else "org"
        raise DeploymentsError(f"{where}: {field} {exc}") from None
    return Deployment(name=name, orgs=tuple(orgs), shared=shared,
                      **{**defaults, **_settings(raw, where)})


def parse(document: Any, source: str = "deployments") -> list[Deployment]:
    """The deployments a parsed file describes; DeploymentsError (naming `source`) if it is wrong."""
    try:
        if not isinstance(document, dict):
            raise DeploymentsError("must be a JSON object with a \"stacks\" list")
        _unknown(document, ("stacks", "defaults", *_FREE_TEXT), "top level")
        raw_defaults = document.get("defaults", {})
        if not isinstance(raw_defaults, dict):
            raise DeploymentsError("defaults must be an object")
        _unknown(raw_defaults, tuple(SETTINGS), "defaults")
        defaults = _settings(raw_defaults, "defaults")
        stacks = document.get("stacks")
        if not isinstance(stacks, list) or not stacks:
            raise DeploymentsError("stacks must be a non-empty list of stack entries")
        deployments = [_entry(i, raw, defaults) for i, raw in enumerate(stacks)]
        seen_stacks: dict[str, int] = {}
        seen_orgs: dict[str, int] = {}
        for index, deployment in enumerate(deployments):
            where = _label(index, stacks[index])
            if deployment.stack_name in seen_stacks:
                raise DeploymentsError(f"{where}: stack {deployment.stack_name} is already defined by "
                                       f"stacks[{seen_stacks[deployment.stack_name]}]")
            seen_stacks[deployment.stack_name] = index
            for org in deployment.orgs:
                if org in seen_orgs:
                    raise DeploymentsError(f"{where}: organisation {org!r} is already served by "
                                           f"stacks[{seen_orgs[org]}]; an organisation lives in one stack")
                seen_orgs[org] = index
    except DeploymentsError as exc:
        raise DeploymentsError(f"{source}: {exc}") from None
    return deployments


def load(path: str | Path) -> list[Deployment]:
    path = Path(path)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise DeploymentsError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise DeploymentsError(f"{path}: not valid JSON: {exc}") from None
    return parse(document, str(path))
