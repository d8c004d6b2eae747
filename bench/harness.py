"""Timing harness: serve the app with waitress on loopback, time requests, compare with the floor view."""

import http.client
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))
FLOOR_PATH = "/bench/floor/"


@dataclass
class Result:
    """One row: a page timed as served (`samples`) and, where it is kept or cached, as first viewed straight after a
    change to what it shows (`cold`), each against the floor view timed just before it in the same run."""

    name: str
    size: str
    samples: list[float] | None
    floor: list[float]
    target: str = ""  # the goal, e.g. "≤3× / ≤8×": as served / first view after a change
    notes: str = ""
    extra: dict = field(default_factory=dict)
    cold: list[float] | None = None

    @staticmethod
    def pct(samples, q):
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    def _times(self, samples):
        if not samples:
            return ["—", "—", "—"]
        p50, p95 = self.pct(samples, 50), self.pct(samples, 95)
        return [f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}", f"{p95 / self.pct(self.floor, 95):.1f}×"]

    def row(self):
        f50, f95 = self.pct(self.floor, 50), self.pct(self.floor, 95)
        floor = [f"{f50 * 1000:.1f}", f"{f95 * 1000:.1f}"]
        return [self.name, self.size, *self._times(self.samples), *self._times(self.cold), *floor, self.target]


class Server:
    """The app under waitress (a production WSGI server), one process, on loopback."""

    def __init__(self, settings="config.settings.bench"):
        self.settings = settings
        self.proc = None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": self.settings}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "waitress", f"--host={HOST}", f"--port={PORT}", "--threads=4", "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(FLOOR_PATH)
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.proc.kill()
        raise RuntimeError("benchmark server did not start: " + self.proc.stderr.read().decode()[-2000:])

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


_connection = None


def fetch(path, headers=None):
    """GET over one keep-alive connection; returns (status, body)."""
    global _connection
    for attempt in range(2):
        try:
            if _connection is None:
                _connection = http.client.HTTPConnection(HOST, PORT, timeout=120)
            _connection.request("GET", path, headers=headers or {})
            response = _connection.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            _connection = None
            if attempt:
                raise
    raise RuntimeError("unreachable")


def time_requests(path, n, headers=None, warmup=3, before=None):
    """`n` timings of GET `path`; `before()`, if given, runs untimed ahead of each request (to empty a cache, say)."""
    for _ in range(warmup):
        status, body = fetch(path, headers)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
    samples = []
    for _ in range(n):
        if before:
            before()
        start = time.perf_counter()
        fetch(path, headers)
        samples.append(time.perf_counter() - start)
    return samples


def page_changed():
    """Every kept page is rendered afresh on its next view (committee.keep.EVERY_PAGE: in every kept page's key)."""
    from committee import keep

    keep.forget_kept_pages()


def time_page(name, size, path, n, *, target="", notes="", headers=None, changed=page_changed, n_cold=None, served=True):
    """A row: `path` as served, then first viewed after a change (`changed()` before each timed request, untimed)."""
    floor = time_requests(FLOOR_PATH, n)
    samples = time_requests(path, n, headers=headers) if served else None
    cold = time_requests(path, n_cold or n, headers=headers, warmup=1, before=changed) if changed else None
    return Result(name, size, samples, floor, target=target, notes=notes, cold=cold)


def time_calls(func, n, warmup=1):
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def print_table(results):
    header = [
        "Benchmark",
        "Data size",
        "as served p50 ms",
        "p95 ms",
        "p95 ÷ floor",
        "first view after a change p50 ms",
        "p95 ms",
        "p95 ÷ floor",
        "floor p50",
        "floor p95",
        "goal (as served / after a change)",
    ]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    for i, row in enumerate(rows):
        print("| " + " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print(line)
    print(line)
    for r in results:
        if r.notes:
            print(f"* {r.name}: {r.notes}")
    counts = [len(r.samples or r.cold or []) for r in results]
    print(f"median of samples: {statistics.median(counts) if counts else 0} requests per benchmark")
