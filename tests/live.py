"""Real processes for the production tests: gunicorn web servers and a Celery worker on the test database, RabbitMQ and
Redis, each in its own process group so it can be stopped, or killed outright, like a deployment would.

The broker, cache and ports come from the environment with defaults for the CI machine's services:
  TEST_BROKER_URL   amqp://guest:guest@127.0.0.1:5672//   (the queue is named after the test database: runs never share one)
  TEST_REDIS_URL    redis://127.0.0.1:6379/1               (keys prefixed with the test database's name)
  TEST_PORTS        8100-8199                              (the first free ones are taken)
"""

import html.parser
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import kombu
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
PORTS = os.environ.get("TEST_PORTS", "8100-8199")


def wait_for(predicate, *, timeout: float = 180, what: str = "the condition", every: float = 0.2):
    """Poll `predicate` until it returns something truthy (returned), failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def free_ports(count: int) -> list[int]:
    low, high = (int(part) for part in PORTS.split("-"))
    found = []
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise AssertionError(f"Fewer than {count} free ports in {PORTS}")


def database_url() -> str:
    """The test database, as a URL the subprocesses can use (pytest-django's test database, committed data only)."""
    d = connection.settings_dict
    auth = urllib.parse.quote(d["USER"] or "")
    if d.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(d["PASSWORD"])
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def queue_name() -> str:
    return f"scrutiny-{connection.settings_dict['NAME']}"


def purge_queue() -> None:
    with kombu.Connection(BROKER_URL, connect_timeout=5) as broker:
        broker.ensure_connection(max_retries=3)
        broker.channel().queue_delete(queue_name())


def environment(media_root: Path, **extra) -> dict:
    """Production settings pointed at the test database, the test queue, Redis and a media folder of the test's own."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "live-test-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_QUEUE": queue_name(),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"live-{connection.settings_dict['NAME']}",
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "INFO",
        **extra,
    }


class Process:
    """A subprocess in its own process group, its output in a log file (printed if a test fails)."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log_path = name, command, env, log
        self.popen = None

    def start(self) -> "Process":
        self.log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig) -> None:
        if self.running():
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole group (the worker and its pool child): nothing gets to clean up."""
        self.signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.running():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.popen is not None:
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


def gunicorn(port: int, env: dict, log: Path) -> Process:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"]
    return Process(f"web:{port}", [*command, "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, log)


def worker(env: dict, log: Path) -> Process:
    command = [sys.executable, "-m", "celery", "--app", "config", "worker", "--loglevel", "INFO", "--concurrency", "1"]
    return Process("worker", [*command, "--without-gossip", "--without-mingle", "--without-heartbeat"], env, log)


class _Form(html.parser.HTMLParser):
    """The fields of one form (by id, or the first that posts) as a browser would submit them."""

    def __init__(self, form_id=None):
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.fields, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        wanted = a.get("id") == self.form_id if self.form_id else (a.get("method") or "get").lower() == "post"
        if tag == "form" and not self.done and wanted:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value", "on" if a.get("type") in ("checkbox", "radio") else "")])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, "multiple" in a]
        elif tag == "option" and self._select is not None and "selected" in a:
            self.fields.append([self._select[0], a.get("value", "")])
            self._select[1] = True
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1][1:] if self._textarea[1].startswith("\n") else self._textarea[1]
            self.fields.append([self._textarea[0], value])
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


class Browser:
    """Just enough of a browser for the tests: cookies (whatever their Secure flag: loopback has no TLS), forms."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: dict | list | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body.items() if isinstance(body, dict) else [tuple(pair) for pair in body])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, data, headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), content

    def get(self, path):
        return self.request("GET", path)

    def form(self, path, form_id=None) -> list[list[str]]:
        status, _, content = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        parser = _Form(form_id)
        parser.feed(content.decode())
        return parser.fields

    def submit(self, path, changes: dict | None = None, form_id=None, extra: dict | None = None):
        fields = self.form(path, form_id)
        for name, value in (changes or {}).items():
            fields = [f for f in fields if f[0] != name] + [[name, value]]
        fields += [[k, v] for k, v in (extra or {}).items()]
        return self.request("POST", path, fields)

    def json(self, path):
        status, _, content = self.get(path)
        return status, json.loads(content)
