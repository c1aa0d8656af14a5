"""Operator command line: tables, organisations, API keys and team members.

    python -m chalicelib.cli table create
    python -m chalicelib.cli orgs create ORG --name NAME
    python -m chalicelib.cli orgs show ORG
    python -m chalicelib.cli keys create ORG --scope READ|WRITE [--label L] [--member ID] [--key KEY]
    python -m chalicelib.cli keys list ORG
    python -m chalicelib.cli keys revoke ORG KEY_ID
    python -m chalicelib.cli members add ORG --first-name F --last-name L --email E [--role R]
    python -m chalicelib.cli members list ORG
    python -m chalicelib.cli followups sweep [--now ISO-8601]
    python -m chalicelib.cli lookups list ORG [TABLE]
    python -m chalicelib.cli lookups add ORG TABLE --name NAME [--code CODE] [--ordinal N]
    python -m chalicelib.cli search-index backfill ORG

Every result is printed as JSON lines (one object per line) on stdout; a sweep prints each
raised follow-up as it goes, then a summary line (raised / skipped / failed / remaining).
TABLE_NAME, API_KEY_PEPPER, EVENT_BUS_NAME and REMINDER_TOPIC_ARN come from the environment;
the endpoint is AWS, or whatever AWS_ENDPOINT_URL(_DYNAMODB, _EVENTBRIDGE, _SNS) names
(boto3 reads them itself).
Exit status: 0 done; 2 a usage, configuration or domain error (one message on stderr, no
traceback); 1 DynamoDB itself refused or could not be reached, or a sweep could not deliver
some follow-ups (printed in its summary's `failed`).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, Callable, Iterable

from botocore.exceptions import BotoCoreError, ClientError

from . import auth
from .config import ConfigurationError, settings
from .domain import donors, follow_ups, lookups, organisations, timestamps
from .errors import DomainError
from .store import table


def _emit(*records: dict[str, Any]) -> None:
    for record in records:
        print(json.dumps(record, default=str, sort_keys=True), flush=True)


# ---- handlers: each parses nothing, calls one service, prints its result -----------------

def _table_create(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    name = settings().table_name
    return [{"table": name, "created": table.ensure_table(name)}]


def _orgs_create(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    return [organisations.create(args.org, args.name)]


def _orgs_show(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    return [organisations.get(args.org)]


def _keys_create(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    key, record = auth.create_key(args.org, args.scope, label=args.label, team_member_id=args.member,
                                  plaintext=args.key)
    print(f"API key {record['key_id']} created: store it now, it cannot be shown again.",
          file=sys.stderr, flush=True)
    return [{**record, "key": key}]  # the only time the key is shown


def _keys_list(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    organisations.get(args.org)  # an unknown org is an error, not an empty list
    return auth.list_keys(args.org)  # never the key nor its digest


def _keys_revoke(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    return [auth.revoke_key(args.org, args.key_id)]


def _members_add(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    return [organisations.add_member(args.org, first_name=args.first_name, last_name=args.last_name,
                                     email=args.email, role=args.role, primary_contact=args.primary_contact,
                                     billing_contact=args.billing_contact)]


def _lookups_list(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    organisations.get(args.org)
    keys = [args.table] if args.table else list(lookups.TABLES)
    return [{"table": key, **_value(value)} for key in keys for value in lookups.values(args.org, key)]


def _value(value: dict[str, Any]) -> dict[str, Any]:
    return {name: value.get(name) for name in ("id", "name", "code", "ordinal")}


def _lookups_add(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    organisations.get(args.org)
    value = lookups.add(args.org, args.table, args.name, code=args.code, ordinal=args.ordinal)
    return [{"table": args.table, **_value(value)}]


def _search_index_backfill(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    organisations.get(args.org)
    return [{"org": args.org, **donors.backfill(args.org)}]


def _members_list(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    organisations.get(args.org)
    return organisations.members(args.org)


class _Undelivered(Exception):
    """Some work was done and printed, but not all of it: exit status 1."""


def _followups_sweep(args: argparse.Namespace) -> Iterable[dict[str, Any]]:
    summary = follow_ups.sweep(args.now, on_raised=lambda reminder: _emit(reminder.detail))
    _emit(summary.as_dict())
    if summary.failed:
        raise _Undelivered(f"{summary.failed} follow-up(s) could not be delivered to EventBridge/SNS; "
                           "they were handed back and the next sweep retries them")
    return []


def _moment(text: str) -> datetime:
    try:
        return follow_ups.sweep_moment(timestamps.parse_timestamp(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# ---- the command tree --------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli",
                                     description="Operate the donor-relations table: orgs, keys, members, follow-ups.")
    groups = parser.add_subparsers(dest="group", required=True,
                                   metavar="{table,orgs,keys,members,followups,lookups,search-index}")

    def command(group: Any, name: str, handler: Callable, help: str, org: bool = True) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        if org:
            sub.add_argument("org", metavar="ORG", help="organisation id, e.g. acme")
        return sub

    tables = groups.add_parser("table", help="the DynamoDB table").add_subparsers(dest="command", required=True)
    command(tables, "create", _table_create, "create TABLE_NAME if it is missing", org=False)

    orgs = groups.add_parser("orgs", help="organisations (tenants)").add_subparsers(dest="command", required=True)
    command(orgs, "create", _orgs_create, "create an organisation").add_argument("--name", required=True)
    command(orgs, "show", _orgs_show, "show an organisation")

    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="command", required=True)
    create = command(keys, "create", _keys_create, "create an API key (printed once)")
    create.add_argument("--scope", required=True, type=str.upper, choices=auth.SCOPES)
    create.add_argument("--label", default="")
    create.add_argument("--member", type=int, metavar="ID", help="team member the key belongs to")
    create.add_argument("--key", metavar="KEY", help="use this key verbatim instead of generating one")
    command(keys, "list", _keys_list, "list an organisation's keys (never the keys themselves)")
    command(keys, "revoke", _keys_revoke, "revoke a key by its key id").add_argument("key_id", metavar="KEY_ID")

    members = groups.add_parser("members", help="team members").add_subparsers(dest="command", required=True)
    add = command(members, "add", _members_add, "add a team member")
    add.add_argument("--first-name", required=True)
    add.add_argument("--last-name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", default="fundraiser", choices=organisations.ROLES)
    add.add_argument("--primary-contact", action="store_true", help="the organisation's primary contact (LGL)")
    add.add_argument("--billing-contact", action="store_true", help="its billing contact (LGL)")
    command(members, "list", _members_list, "list an organisation's team members")

    values = groups.add_parser("lookups", help="lookup values (LGL's types)").add_subparsers(dest="command",
                                                                                           required=True)
    listed = command(values, "list", _lookups_list, "list an organisation's lookup values (built-in and added)")
    listed.add_argument("table", nargs="?", choices=sorted(lookups.TABLES), metavar="TABLE")
    added = command(values, "add", _lookups_add, "add a value to a lookup table (its id is printed)")
    added.add_argument("table", choices=sorted(lookups.TABLES), metavar="TABLE",
                       help=f"one of {', '.join(sorted(lookups.TABLES))}")
    added.add_argument("--name", required=True)
    added.add_argument("--code")
    added.add_argument("--ordinal", type=int, default=100)

    index = groups.add_parser("search-index", help="the search index of donors").add_subparsers(
        dest="command", required=True)
    command(index, "backfill", _search_index_backfill,
            "bring donors written before this version into the search index (idempotent)")

    followups = groups.add_parser("followups", help="follow-up reminders").add_subparsers(dest="command",
                                                                                          required=True)
    sweep = command(followups, "sweep", _followups_sweep,
                    "raise every follow-up due now (or at --now) once, as the scheduled sweep does", org=False)
    sweep.add_argument("--now", type=_moment, metavar="ISO-8601",
                       help="sweep as if it were this moment, e.g. 2026-11-22T09:00:00Z (default: now)")
    return parser


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed usage or help already
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        _emit(*args.handler(args))
    except DomainError as exc:
        details = "".join(f"\n  {e.field}: {e.message}" for e in exc.errors if e.message not in exc.detail)
        return _fail(exc.detail + details, 2)
    except ConfigurationError as exc:
        return _fail(str(exc), 2)
    except _Undelivered as exc:
        return _fail(str(exc), 1)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        hint = " (run `table create` first?)" if error.get("Code") == "ResourceNotFoundException" else ""
        return _fail(f"DynamoDB refused the request: {error.get('Code')}: {error.get('Message')}{hint}", 1)
    except BotoCoreError as exc:
        return _fail(f"could not reach DynamoDB: {exc}", 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
