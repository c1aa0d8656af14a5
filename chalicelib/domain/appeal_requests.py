"""Appeal requests: a constituent's place on an appeal's list, what they are asked for and who
asks (LGL's appeal requests; docs/lgl.md, "Appeal requests").

A request is a detail of its donor (never on the donor's timeline), deleted with it: it is a
plan, an ask, and what came of it is a gift, which holds the donor. The appeal is a catalogue
value (gift_catalogues.py) named by id or by name; an appeal's requests are one lookup
(`APPEAL`, keyed by the appeal's id), a donor's one Query of its details. A donor is on an
appeal's list once (a guard item holds it against concurrent writers).

`raised` is never stored: it is what the donor gave to the appeal, the sum of their live
donations naming it (donations.given_to), so a gift through any face moves it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import Conflict, FieldError, ValidationFailed
from ..store.context import records
from ..store.kinds import APPEAL_REQUEST, DONOR
from ..store.writes import DuplicateValue
from . import catalogues, custom_attrs, custom_fields, donations, donors, lifecycle, organisations
from . import fields as f
from .fields import Spec
from .gift_catalogues import APPEALS

LABEL = APPEAL_REQUEST.label
# LGL lists no statuses (its examples show "open"): the ones kept, and what each means.
STATUSES = {
    "open": "not answered yet (the default)",
    "responded": "the constituent answered: gave, or pledged",
    "declined": "the constituent said no",
    "closed": "no longer pursued",
}
DEFAULT_STATUS = "open"
ITEM_TYPE = "AppealRequest"  # what its custom fields' categories and custom attributes are on
SPECS = (
    Spec("appeal_id", f.REF, ref="appeals"),
    Spec("ask_amount", f.MONEY, description="What the constituent is asked for"),
    Spec("status", max_length=40, description="One of " + ", ".join(STATUSES)),
)


def _checked(org: str, request: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rules on the request as a whole."""
    if request.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    checked = f.check(SPECS, request)
    before = old or {}
    if checked.get("appeal_id") is None:
        raise ValidationFailed.on("appeal_id", "is required (or appeal_name)")
    if checked["appeal_id"] != before.get("appeal_id"):  # an unchanged one may name an appeal deleted since
        catalogues.resolve(org, APPEALS, value_id=checked["appeal_id"], id_field="appeal_id", name_field="appeal_id")
    status = " ".join(str(checked.get("status") or DEFAULT_STATUS).split()).lower()
    if status not in STATUSES:
        raise ValidationFailed.on("status", f"{status[:40]!r} is not one of {', '.join(STATUSES)}")
    checked["status"] = status
    member = checked.get("assigned_to_id")
    if member is not None and member != before.get("assigned_to_id") \
            and organisations.known_member(org, member) is None:
        raise ValidationFailed.on("assigned_to", f"{member} is not a team member")
    custom_fields.keep(org, ITEM_TYPE, checked, old)
    custom_attrs.keep(org, ITEM_TYPE, checked, old)
    return {k: v for k, v in checked.items() if v is not None}


def _resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The appeal by name made its id (an id sent wins); the team member by id, e-mail or
    "First Last" made an id."""
    out = donors.with_donor_resolved(org, fields)
    if "appeal_name" in out:
        name = out.pop("appeal_name")
        if out.get("appeal_id") is None and name is not None and str(name).strip():
            out["appeal_id"] = catalogues.resolve(org, APPEALS, name=name, id_field="appeal_id",
                                                  name_field="appeal_name")["id"]
    if "assigned_to" in out:
        out["assigned_to_id"] = organisations.resolve_member(org, out.pop("assigned_to"), field="assigned_to")
    return out


def _once(error: DuplicateValue, donor_id: Any, appeal_id: Any) -> Conflict:
    message = f"the constituent is on this appeal's list already, as appeal request {error.holder}"
    return Conflict(f"Donor {donor_id} has appeal request {error.holder} in appeal {appeal_id} already.",
                    [FieldError("appeal_id", message)])


def _create(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    request = _checked(org, fields)
    try:
        return lifecycle.create(org, APPEAL_REQUEST, request).record
    except DuplicateValue as taken:
        raise _once(taken, request["donor_id"], request["appeal_id"]) from None


def _same(fields: dict[str, Any], field: str, path_value: int, what: str) -> None:
    sent = fields.get(field)
    if sent is not None and sent != path_value:
        raise ValidationFailed.on(field, f"is the path's {what} ({path_value}): send none, or the same")


def create_for_donor(org: str, donor_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A request of the donor the path names (404 when it is not live); the body names the
    appeal by `appeal_id` or `appeal_name`."""
    resolved = _resolved(org, fields)
    _same(resolved, "donor_id", donor_id, "constituent")
    return _create(org, {**resolved, "donor_id": donor_id})


def create_for_appeal(org: str, appeal_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A request in the appeal the path names (404 when it is not live); the body names the
    donor (`donor_id`, required; a 404 naming it when it is not live)."""
    catalogues.get(org, APPEALS, appeal_id)
    resolved = _resolved(org, fields)
    _same(resolved, "appeal_id", appeal_id, "appeal")
    if resolved.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    donors.referenced(org, resolved["donor_id"])
    return _create(org, {**resolved, "appeal_id": appeal_id})


def get(org: str, request_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, APPEAL_REQUEST, request_id)


def update(org: str, request_id: int, changes: dict[str, Any], expected_version: int | None = None
           ) -> dict[str, Any]:
    """Change the fields sent; a `donor_id` moves the request to that donor (which must be live)."""
    resolved: list[dict[str, Any]] = []  # once the request is known to exist (else a 404, whatever was sent)
    merged: list[dict[str, Any]] = []

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        if not resolved:
            resolved.append(_resolved(org, changes))
            moved_to = resolved[0].get("donor_id")
            if moved_to is not None and moved_to != old["donor_id"]:
                donors.referenced(org, moved_to)
        merged[:] = [_checked(org, {**old, **resolved[0]}, old)]
        return merged[0]

    try:
        return lifecycle.update(org, APPEAL_REQUEST, request_id, merge, expected_version)
    except DuplicateValue as taken:
        raise _once(taken, merged[0]["donor_id"], merged[0]["appeal_id"]) from None


def delete(org: str, request_id: int, expected_version: int | None = None) -> None:
    lifecycle.delete(org, APPEAL_REQUEST, request_id, expected_version)


def of_donor(org: str, donor_id: int) -> list[dict[str, Any]]:
    """A live donor's requests by id (404 when the donor is not): one Query of its details."""
    _, details = records().aggregate(org, DONOR, donor_id)
    return sorted(details.get(APPEAL_REQUEST.name, []), key=lambda request: request["id"])


def of_appeal(org: str, appeal_id: int) -> list[dict[str, Any]]:
    """A live appeal's requests by id (404 when the appeal is not): its lookup, read whole
    (one Query per MB)."""
    catalogues.get(org, APPEALS, appeal_id)
    return records().lookup_all(org, APPEAL_REQUEST, "APPEAL", str(appeal_id))


def context(org: str, requests: list[dict[str, Any]]
            ) -> tuple[dict[int, dict[str, Any]], dict[tuple[int, int], Decimal]]:
    """What a page of requests shows of other records, read once for the page: their live
    donors by id (one BatchGetItem) and what each donor gave to each appeal."""
    donor_ids = {request["donor_id"] for request in requests}
    return donors.live_by_id(org, donor_ids), donations.given_to(org, donor_ids, "appeal_id")


def raised(totals: dict[tuple[int, int], Decimal], request: dict[str, Any]) -> Decimal:
    return totals.get((request["donor_id"], request["appeal_id"]), Decimal(0))


def appeal(org: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """The appeal it names (deleted since, too: it still shows its name)."""
    return catalogues.named(org, APPEALS, request["appeal_id"])
