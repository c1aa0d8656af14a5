"""The operator CLI (`python -m chalicelib.cli`), driven through main() against moto."""
from __future__ import annotations

import json

import pytest

from chalicelib import auth, cli, config
from chalicelib.errors import Unauthorized


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    """Exit code, the JSON lines printed on stdout, and stderr."""
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, lines, captured.err


@pytest.fixture
def acme_org(aws, capsys):
    code, lines, _ = run(capsys, "orgs", "create", "acme", "--name", "Acme Trust")
    assert code == 0
    return lines[0]


def test_table_create_is_idempotent(aws, capsys):
    code, lines, _ = run(capsys, "table", "create")
    assert code == 0
    assert lines == [{"table": "donor-relations-test", "created": False}]


def test_orgs_create_and_show(acme_org, capsys):
    assert acme_org["org"] == "acme" and acme_org["name"] == "Acme Trust"
    code, lines, _ = run(capsys, "orgs", "show", "acme")
    assert code == 0
    assert lines == [acme_org]


def test_created_key_is_printed_once_and_authenticates(acme_org, capsys):
    code, lines, err = run(capsys, "keys", "create", "acme", "--scope", "write", "--label", "crm")
    assert code == 0
    (created,) = lines
    assert created["scope"] == "WRITE" and created["label"] == "crm" and created["org"] == "acme"
    assert "digest" not in created
    assert "cannot be shown again" in err
    principal = auth.authenticate(created["key"])
    assert (principal.org, principal.key_id, principal.scope) == ("acme", created["key_id"], "WRITE")


def test_key_given_verbatim_and_bound_to_a_member(acme_org, capsys):
    _, (member,), _ = run(capsys, "members", "add", "acme", "--first-name", "Ada", "--last-name", "Lovelace",
                          "--email", "ada@acme.example")
    verbatim = "my-chosen-read-key-0001"
    code, (created,), _ = run(capsys, "keys", "create", "acme", "--scope", "READ", "--key", verbatim,
                              "--member", str(member["id"]))
    assert code == 0 and created["key"] == verbatim
    principal = auth.authenticate(verbatim)
    assert (principal.scope, principal.team_member_id) == ("READ", member["id"])


def test_keys_list_never_shows_the_key_or_its_digest(acme_org, capsys):
    _, (first,), _ = run(capsys, "keys", "create", "acme", "--scope", "WRITE")
    _, (second,), _ = run(capsys, "keys", "create", "acme", "--scope", "READ")
    code = cli.main(["keys", "list", "acme"])
    out = capsys.readouterr().out
    assert code == 0
    listed = [json.loads(line) for line in out.splitlines()]
    assert sorted(k["key_id"] for k in listed) == sorted([first["key_id"], second["key_id"]])
    for created in (first, second):
        assert created["key"] not in out
        assert auth.digest(created["key"]) not in out
    assert all("key" not in k and "digest" not in k for k in listed)


def test_revoked_key_no_longer_authenticates(acme_org, capsys):
    _, (created,), _ = run(capsys, "keys", "create", "acme", "--scope", "WRITE")
    auth.authenticate(created["key"])  # warm the cache: revocation must still win
    code, (revoked,), _ = run(capsys, "keys", "revoke", "acme", created["key_id"])
    assert code == 0
    assert revoked["key_id"] == created["key_id"] and revoked["revoked_at"]
    assert created["key"] not in json.dumps(revoked)
    with pytest.raises(Unauthorized):
        auth.authenticate(created["key"])
    _, listed, _ = run(capsys, "keys", "list", "acme")
    assert listed[0]["revoked_at"] == revoked["revoked_at"]


def test_members_add_and_list(acme_org, capsys):
    code, (ada,), _ = run(capsys, "members", "add", "acme", "--first-name", "Ada", "--last-name", "Lovelace",
                          "--email", "Ada@Acme.example", "--role", "admin")
    assert code == 0
    assert ada["email"] == "ada@acme.example" and ada["role"] == "admin"
    _, (grace,), _ = run(capsys, "members", "add", "acme", "--first-name", "Grace", "--last-name", "Hopper",
                         "--email", "grace@acme.example")
    assert grace["role"] == "fundraiser" and grace["id"] != ada["id"]
    code, listed, _ = run(capsys, "members", "list", "acme")
    assert code == 0
    assert [(m["id"], m["first_name"]) for m in listed] == [(ada["id"], "Ada"), (grace["id"], "Grace")]


@pytest.mark.parametrize("argv, message", [
    (["orgs", "show", "nope"], "Organisation nope does not exist"),
    (["keys", "create", "nope", "--scope", "READ"], "Organisation nope does not exist"),
    (["keys", "list", "nope"], "Organisation nope does not exist"),
    (["members", "list", "nope"], "Organisation nope does not exist"),
    (["members", "add", "nope", "--first-name", "A", "--last-name", "B", "--email", "a@b.example"],
     "Organisation nope does not exist"),
    (["keys", "revoke", "acme", "nokeyid"], "no API key nokeyid"),
    (["keys", "create", "acme", "--scope", "ADMIN"], "invalid choice: 'ADMIN'"),
    (["keys", "create", "acme", "--scope", "READ", "--member", "99"], "no team member 99"),
    (["keys", "create", "acme", "--scope", "READ", "--key", "short"], "at least 16 characters"),
    (["members", "add", "acme", "--first-name", "A", "--last-name", "B", "--email", "not-an-email"],
     "email: is not an e-mail address"),
    (["orgs", "create", "acme", "--name", "Again"], "Organisation acme already exists"),
    (["orgs", "create", "Bad_Org", "--name", "Bad"], "org: must be 2-63 characters"),
    (["keys"], "required"),
])
def test_mistakes_exit_2_with_a_message_and_no_traceback(acme_org, capsys, argv, message):
    code, lines, err = run(capsys, *argv)
    assert code == 2
    assert lines == []
    assert message in err
    assert "Traceback" not in err


def test_missing_pepper_is_a_configuration_error_only_where_keys_are_involved(aws, capsys, monkeypatch):
    assert run(capsys, "orgs", "create", "acme", "--name", "Acme")[0] == 0
    monkeypatch.delenv("API_KEY_PEPPER")
    config.reset()
    try:
        table_code, _, _ = run(capsys, "table", "create")
        code, lines, err = run(capsys, "keys", "create", "acme", "--scope", "WRITE")
    finally:
        monkeypatch.undo()
        config.reset()
    assert table_code == 0  # the table needs no secret
    assert code == 2 and lines == []
    assert "API_KEY_PEPPER must be set" in err and "Traceback" not in err


def test_missing_table_points_at_table_create(aws, capsys, monkeypatch):
    from chalicelib.store import context

    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    config.reset()
    context.reset()
    try:
        code, _, err = run(capsys, "orgs", "show", "acme")
    finally:
        monkeypatch.undo()
        config.reset()
        context.reset()
    assert code == 1
    assert "ResourceNotFoundException" in err and "table create" in err
