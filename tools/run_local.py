"""`make run`: the API on 127.0.0.1 over an embedded DynamoDB, seeded with demo data.

Unless AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_DYNAMODB is set, moto's server is started on
127.0.0.1 (MOTO_PORT, or a free port) and every AWS client of this process is pointed at it
with dummy credentials. Then the table is created, two organisations are seeded (once: a
reused endpoint keeps its data) and the Chalice app is served with chalice's local server
on 127.0.0.1:$PORT (default 8000), threaded, until SIGINT or SIGTERM.

Concurrency: the embedded moto handles one request at a time (SerialisedMoto), because its
DynamoDB is not thread-safe and the API relies on DynamoDB's atomic conditional and
transactional writes; chalice's server accepts a deep backlog (LocalHTTPServer).

Environment: PORT, MOTO_PORT, TABLE_NAME (default donor-relations), API_KEY_PEPPER (a dev
pepper when unset), DEMO_WRITE_KEY / DEMO_READ_KEY / OTHER_WRITE_KEY (keys used verbatim;
generated and printed when unset), SWEEP_INTERVAL_SECONDS (default 60), EVENT_BUS_NAME /
REMINDER_TOPIC_ARN (on the embedded endpoint a local bus and topic are made when unset).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chalice import local
from chalice.config import Config

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib import auth, config, notify  # noqa: E402
from chalicelib.config import ConfigurationError, settings  # noqa: E402
from chalicelib.domain import catalogues, contact_logs, donations, donors, follow_ups, organisations  # noqa: E402
from chalicelib.errors import Conflict, DomainError, Unauthorized, ValidationFailed  # noqa: E402
from chalicelib.domain.timestamps import format_timestamp, utcnow  # noqa: E402
from chalicelib.faces import unknown_path  # noqa: E402
from chalicelib.observability import request_ids  # noqa: E402
from chalicelib.store import table  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TABLE = "donor-relations"
DEV_PEPPER = "dev-pepper-for-make-run-only-not-a-secret"
DEMO_DONOR = "cm3donor0001abc123xyz456"  # the external_id the Together docs' curl example uses
STAGE = "dev"
DEFAULT_SWEEP_INTERVAL = 60
LOCAL_BUS = "donor-relations-local"
LOCAL_TOPIC = "donor-relations-reminders"


class Abort(Exception):
    """Something the operator has to fix; printed without a traceback."""


def say(*lines: str) -> None:
    for line in lines:
        print(line, flush=True)


def warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


def _number(name: str, default: int, low: int, high: int, what: str) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise Abort(f"{name} must be {what} ({low}-{high}), got {raw!r}")
    return int(raw)


def _port(name: str, default: int) -> int:
    return _number(name, default, 0, 65535, "a port number")


# ---- environment and the embedded DynamoDB ------------------------------------------------

def _chalice_disk_config() -> dict[str, Any]:
    path = ROOT / ".chalice" / "config.json"
    return json.loads(path.read_text()) if path.exists() else {}


def apply_stage_environment(disk_config: dict[str, Any]) -> None:
    """The stage's environment_variables, as `chalice local` sets them (the shell's win)."""
    stage_env = Config(chalice_stage=STAGE, config_from_disk=disk_config).environment_variables
    for name, value in stage_env.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("TABLE_NAME", DEFAULT_TABLE)
    if not os.environ.get("API_KEY_PEPPER") and not os.environ.get("API_KEY_PEPPER_SECRET_ARN"):
        os.environ["API_KEY_PEPPER"] = DEV_PEPPER
        warn("API_KEY_PEPPER is not set: using a fixed DEVELOPMENT pepper. Keys made with it are "
             "only good for local use; never use it for a real deployment.")


class SerialisedWSGI:
    """A WSGI app that runs the app it wraps for one request at a time, body included.

    DynamoDB makes each request atomic; moto's server handles requests on parallel threads
    over shared dicts with no lock (moto 5.2, moto/dynamodb/models):
    - TransactWriteItems deep-copies the table to roll back a failed condition: a parallel
      write makes the copy fail ("dictionary changed size during iteration", HTTP 500), and a
      rollback restores a snapshot that drops writes other threads had acknowledged (a 201'd
      record that then 404s; two donors holding one external_id guard);
    - a conditional UpdateItem checks then writes, so two overlapping sweeps can both claim
      one follow-up and raise it twice.
    The API's correctness (idempotency, unique external ids, claims, merged PATCHes) rests on
    those guarantees, so the local stack restores them: one lock around each request. The
    whole response is built under the lock and sent after it is released. A plain Lock: no
    moto request calls back into this server (no HTTP subscriptions or API destinations).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


def _serialised_moto_server() -> Any:
    from moto.server import DomainDispatcherApplication, ThreadedMotoServer

    from tools import moto_at_scale, moto_rollback

    moto_rollback.install()  # a transaction's cost stays its own items', however large the table
    moto_at_scale.install()  # a Query's cost is not a sort of the whole table

    class SerialisedMoto(ThreadedMotoServer):
        """moto's ThreadedMotoServer with its WSGI app wrapped in SerialisedWSGI.

        ThreadedMotoServer builds the app and the werkzeug server together in its thread
        and exposes neither, so the app is swapped on the werkzeug server (which reads
        `server.app` for every request) as soon as start() returns, before any client
        knows the port. If moto changes that shape this fails loudly instead of serving
        unserialised."""

        def start(self) -> None:
            super().start()
            served = getattr(self, "_server", None)
            if not isinstance(getattr(served, "app", None), DomainDispatcherApplication):
                self.stop()
                raise RuntimeError("moto's ThreadedMotoServer changed: cannot serialise its requests; "
                                   "update tools/run_local.py (SerialisedMoto)")
            served.app = SerialisedWSGI(served.app)

    return SerialisedMoto


def start_moto_unless_endpoint_set() -> Any:
    """moto's server on 127.0.0.1, or None when the environment names an endpoint already."""
    if os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        return None
    port = _port("MOTO_PORT", 0)
    if port:  # ThreadedMotoServer waits forever if it cannot bind: check first
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError as exc:
                raise Abort(f"MOTO_PORT {port} is not free on {HOST}: {exc.strerror}") from None
    server = _serialised_moto_server()(ip_address=HOST, port=port, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update({
        "AWS_ENDPOINT_URL": f"http://{HOST}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    })
    return server


# ---- seed data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedKey:
    org: str
    scope: str
    key: str
    key_id: str
    origin: str


def ensure_key(org: str, scope: str, env_name: str, member_id: int | None = None) -> IssuedKey:
    """The key named by `env_name` (created if missing), or a newly generated one; a new key
    belongs to `member_id`, so what it records carries that team member."""
    chosen = os.environ.get(env_name) or None
    if chosen:
        try:
            principal = auth.authenticate(chosen)
        except Unauthorized:
            principal = None
        if principal is not None:
            if (principal.org, principal.scope) != (org, scope):
                raise Abort(f"{env_name} is already a {principal.scope} key of organisation "
                            f"{principal.org} on this endpoint; choose another value.")
            return IssuedKey(org, scope, chosen, principal.key_id, f"from {env_name}, already present")
    try:
        key, record = auth.create_key(org, scope, label=f"make run ({env_name})", plaintext=chosen,
                                      team_member_id=member_id)
    except ValidationFailed as exc:
        raise Abort(f"{env_name}: {exc.errors[0].message if exc.errors else exc.detail}") from None
    except Conflict:
        raise Abort(f"{env_name} is a revoked key on this endpoint; choose another value.") from None
    return IssuedKey(org, scope, key, record["key_id"], f"from {env_name}" if chosen else "generated")


def _create_org(org: str, name: str) -> bool:
    try:
        organisations.create(org, name)
        return True
    except Conflict:
        say(f"Organisation {org} already exists on this endpoint: its data is left as it is.")
        return False


def seed_demo(org: str = "demo") -> None:
    member = organisations.add_member(org, first_name="Alex", last_name="Rivera",
                                      email="alex.rivera@demo.example", role="admin")
    now = utcnow()

    def at(days: float) -> str:
        return format_timestamp(now + timedelta(days=days))

    def day(days: float) -> str:
        return (now + timedelta(days=days)).date().isoformat()

    jane = donors.create(org, {
        "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.org",
        "external_id": DEMO_DONOR, "city": "Portland", "state": "OR", "country": "US",
    }).record
    sam = donors.create(org, {
        "first_name": "Samuel", "last_name": "Okafor", "email": "sam.okafor@example.org",
        "phone": "+1 503 555 0142",
    }).record
    acme = donors.create(org, {"is_org": True, "org_name": "Acme Community Fund",
                               "email": "grants@acme.example"}).record
    staff = member["id"]
    for entry in (
        {"donor_id": jane["id"], "contact_method": "PHONE", "occurred_at": at(-9),
         "notes": "Called about the spring appeal; asked us to call back.",
         "follow_up_at": at(-2)},                                       # overdue, open
        {"donor_id": jane["id"], "contact_method": "MEETING", "occurred_at": at(-3),
         "notes": "Coffee: interested in a matching gift.", "follow_up_at": at(7)},  # upcoming
        {"donor_id": sam["id"], "contact_method": "EMAIL", "occurred_at": at(-20),
         "notes": "Sent the annual report.", "follow_up_at": at(-14),
         "follow_up_completed_at": at(-13)},                            # completed
        {"donor_id": acme["id"], "contact_method": "LETTER", "occurred_at": at(-30),
         "notes": "Thank-you letter for the community grant."},
        {"donor_id": sam["id"], "contact_method": "SMS", "occurred_at": at(-1),
         "notes": "Reminder about the gala."},
    ):
        contact_logs.create(org, {**entry, "recorded_by_id": staff})
    for catalogue, name in (("campaigns", "Spring appeal"), ("funds", "General")):  # what the gifts name
        catalogues.create(org, catalogues.CATALOGUES[catalogue], {"name": name})
    for gift in (
        {"donor_id": jane["id"], "amount": "250.00", "received_at": day(-40), "payment_method": "credit_card",
         "campaign": "Spring appeal"},
        {"donor_id": jane["id"], "amount": "100", "received_at": day(-10), "payment_method": "check",
         "check_number": "1042"},
        {"donor_id": sam["id"], "amount": "75.50", "currency": "EUR", "received_at": day(-5),
         "payment_method": "bank_transfer"},
        {"donor_id": acme["id"], "amount": "5000.00", "received_at": day(-30), "payment_method": "bank_transfer",
         "fund": "General"},
    ):
        donations.create(org, gift)


def seed_other(org: str = "other") -> None:
    donors.create(org, {"first_name": "Ravi", "last_name": "Patel", "email": "ravi.patel@example.net"})


def seed() -> list[IssuedKey]:
    """Both organisations and their keys; data only when an organisation is new."""
    if _create_org("demo", "Demo Foundation"):
        seed_demo()
    staff = organisations.members("demo")
    issued = [ensure_key("demo", auth.WRITE, "DEMO_WRITE_KEY", staff[0]["id"] if staff else None),
              ensure_key("demo", auth.READ, "DEMO_READ_KEY")]
    if _create_org("other", "Other Trust"):
        seed_other()
    issued.append(ensure_key("other", auth.WRITE, "OTHER_WRITE_KEY"))
    return issued


# ---- the HTTP server -----------------------------------------------------------------------

class RouteNotFound(local.LocalGatewayException):
    """No route matches: a 404 every face's clients can read (faces/unknown_path.py), as the
    deployed API Gateway answers it, instead of chalice local's 403."""
    CODE = 404

    def __init__(self, path: str) -> None:
        target = path.split("?", 1)[0]
        body = unknown_path.body(f"There is no resource at {target[:200]}.")
        super().__init__({"Content-Type": unknown_path.CONTENT_TYPE}, json.dumps(body).encode())


class _Gateway(local.LocalGateway):
    def _generate_lambda_event(self, method: str, path: str, headers: dict, body: bytes | None) -> dict:
        try:
            return super()._generate_lambda_event(method, path, headers, body)
        except ValueError:  # chalice's RouteMatcher: "No matching route found"
            raise RouteNotFound(path) from None


class LocalHTTPServer(local.ThreadedHTTPServer):
    """chalice's threaded server with a listen backlog of SOMAXCONN instead of socketserver's
    5: with 5, a burst of 50 simultaneous clients gets connections reset before a thread can
    accept them. (The kernel caps it at net.core.somaxconn.)"""

    request_queue_size = socket.SOMAXCONN


class _Handler(local.ChaliceRequestHandler):
    """chalice's handler with the gateway above (its __init__ handles the request, so mirror it).

    TCP_NODELAY on each connection: the handler writes a response's headers and its body in two
    sends, and with Nagle's algorithm the body waited for the client's delayed ACK of the headers,
    40 ms on every keep-alive response (measured: schemathesis' 5,220 cases of the native face
    took 242 s, 24 s of it in requests)."""

    disable_nagle_algorithm = True

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Any, config: Config) -> None:
        self.local_gateway = _Gateway(app_object, config)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def __getattr__(self, name: str) -> Any:
        """Any other method (TRACE, CONNECT, PROPFIND...) goes to the app too, which answers 405
        with `Allow` in the face's shape, as API Gateway forwards it; chalice local answered 501
        in HTML."""
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def _send_http_response(self, code: int, headers: dict, body: Any) -> None:
        """HEAD: headers only; chalice would send a body, or a Content-Length the GET contradicts."""
        if self.command != "HEAD":
            return super()._send_http_response(code, headers, body)
        self.send_response(code)
        self._send_headers(headers)


def build_server(app: Any, disk_config: dict[str, Any], port: int) -> local.LocalDevServer:
    """What `chalice local` builds (chalice.local.create_local_server), with the handler above."""
    config = Config(chalice_stage=STAGE, config_from_disk=disk_config,
                    user_provided_params={"chalice_app": app, "project_dir": str(ROOT)})
    if not isinstance(app, local.LocalChalice):  # current_request per thread, as chalice does
        local.CustomLocalChalice.__bases__ = (local.LocalChalice, app.__class__)
        app.__class__ = local.CustomLocalChalice
    try:
        return local.LocalDevServer(app, config, HOST, port, handler_cls=_Handler, server_cls=LocalHTTPServer)
    except OSError as exc:
        raise Abort(f"cannot serve on {HOST}:{port}: {exc.strerror} (set PORT to another port)") from None


# ---- follow-ups ----------------------------------------------------------------------------

def follow_up_channels(embedded: bool) -> None:
    """On the embedded endpoint, an EventBridge bus and an SNS topic for the sweep to raise
    into (unless EVENT_BUS_NAME / REMINDER_TOPIC_ARN name them already)."""
    if not embedded:
        return
    import boto3

    if not os.environ.get("EVENT_BUS_NAME"):
        events = boto3.client("events")
        try:
            events.create_event_bus(Name=LOCAL_BUS)
        except events.exceptions.ResourceAlreadyExistsException:
            pass
        os.environ["EVENT_BUS_NAME"] = LOCAL_BUS
    if not os.environ.get("REMINDER_TOPIC_ARN"):
        os.environ["REMINDER_TOPIC_ARN"] = boto3.client("sns").create_topic(Name=LOCAL_TOPIC)["TopicArn"]
    config.reset()


def start_follow_up_sweep(stopping: threading.Event) -> None:
    """Run the follow-up sweep now and every SWEEP_INTERVAL_SECONDS (default 60) until the
    server stops, printing each follow-up it raises (DESIGN.md §6, §7)."""
    interval = _number("SWEEP_INTERVAL_SECONDS", DEFAULT_SWEEP_INTERVAL, 1, 86400, "a number of seconds")
    channels = ", ".join(notify.channels()) or "no channel configured: printed here only"
    say(f"Follow-up sweep: every {interval} s (SWEEP_INTERVAL_SECONDS), raising into {channels}.")

    def raised(reminder: notify.Reminder) -> None:
        say(f"[sweep] {reminder.subject} (due {reminder.detail['follow_up_at']}, "
            f"{reminder.organisation} entry {reminder.detail['entry_id']})")

    def loop() -> None:
        while not stopping.is_set():
            try:
                with request_ids.bound():  # its log lines carry this run's id
                    summary = follow_ups.sweep(on_raised=raised)
                if summary.raised or summary.failed or summary.remaining:
                    say(f"[sweep] raised {summary.raised}, skipped {summary.skipped}, "
                        f"failed {summary.failed}, remaining {summary.remaining}")
            except Exception as exc:  # keep sweeping: the next run may succeed
                warn(f"follow-up sweep failed: {exc}")
            stopping.wait(interval)

    threading.Thread(target=loop, name="follow-up-sweep", daemon=True).start()


# ---- main ------------------------------------------------------------------------------------

def _stop_on_signal(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def banner(base_url: str, issued: list[IssuedKey], embedded: bool) -> None:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    store = f"embedded moto at {endpoint}" if embedded else (endpoint or "AWS (default endpoint)")
    write = next(k for k in issued if k.org == "demo" and k.scope == auth.WRITE)
    pepper = os.environ["API_KEY_PEPPER"]
    say("",
        "Donor-relations API (local)",
        f"  Base URL:  {base_url}",
        f"  API docs:  {base_url}/docs   (Swagger UI, every face; ?face=together|givebutter|mpdx)",
        f"  DynamoDB:  {store}, table {settings().table_name}",
        "  API keys (set DEMO_WRITE_KEY, DEMO_READ_KEY, OTHER_WRITE_KEY to choose them):",
        *[f"    {k.org:<6} {k.scope:<5} {k.key}   (key id {k.key_id}; {k.origin})" for k in issued],
        "",
        "Try it:",
        f"  export TOGETHER_API_KEY={write.key}",
        f"  curl -X POST {base_url}/api/v1/contact-logs \\",
        '    -H "Authorization: Bearer $TOGETHER_API_KEY" \\',
        '    -H "Content-Type: application/json" \\',
        "    -d '{",
        f'      "donor_id": "{DEMO_DONOR}",',
        '      "contact_method": "PHONE",',
        '      "occurred_at": "2026-06-10T02:00:00.000Z",',
        '      "notes": "Discussed the year-end appeal; keen to give again.",',
        '      "follow_up_at": "2026-06-25T00:00:00.000Z"',
        "    }'",
        f'  curl "{base_url}/api/v1/contact-logs?donor_id={DEMO_DONOR}&follow_up=open" \\',
        '    -H "Authorization: Bearer $TOGETHER_API_KEY"',
        "")
    if embedded:
        say("Operator CLI against this endpoint (another shell, while this runs):",
            f"  AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
            f"AWS_DEFAULT_REGION=us-east-1 TABLE_NAME={settings().table_name} "
            f"API_KEY_PEPPER={pepper if pepper == DEV_PEPPER else '$API_KEY_PEPPER'} "
            ".venv/bin/python -m chalicelib.cli keys list demo",
            "")


def main() -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    request_ids.install()  # before any record: the format below prints every record's id
    # Each log line starts with the id of its request (or sweep run; "-" outside both), as
    # Lambda's own lines start with the invocation's id; a response's X-Request-Id finds them.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(request_id)s\t%(message)s")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    moto = server = serving = None
    stopping = threading.Event()
    try:
        port = _port("PORT", DEFAULT_PORT)
        disk_config = _chalice_disk_config()
        apply_stage_environment(disk_config)
        moto = start_moto_unless_endpoint_set()
        from app import app

        server = build_server(app, disk_config, port)  # bind first: a busy port fails fast
        base_url = f"http://{HOST}:{server.server.server_address[1]}"
        table.ensure_table(settings().table_name)
        issued = seed()
        banner(base_url, issued, embedded=moto is not None)
        follow_up_channels(embedded=moto is not None)
        start_follow_up_sweep(stopping)
        serving = threading.Thread(target=server.server.serve_forever, name="http", daemon=True)
        serving.start()
        say(f"Serving on {base_url} (threaded). Press Ctrl-C to stop.")
        while serving.is_alive():
            serving.join(0.5)
        return 1  # the server thread died on its own
    except KeyboardInterrupt:
        return 0
    except Abort as exc:
        print(f"run_local: {exc}", file=sys.stderr, flush=True)
        return 2
    except (DomainError, ConfigurationError) as exc:
        print(f"run_local: {getattr(exc, 'detail', exc)}", file=sys.stderr, flush=True)
        return 2
    except (BotoCoreError, ClientError) as exc:
        print(f"run_local: DynamoDB failed: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stopping.set()
        if server is not None:
            if serving is not None:
                server.server.shutdown()
            server.server.server_close()
        if moto is not None:
            moto.stop()
        say("Stopped.")


if __name__ == "__main__":
    sys.exit(main())
