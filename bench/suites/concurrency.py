"""The production server under load: gunicorn (config/gunicorn.conf.py) with a shared Redis cache, at a decade's data.

1. A mix of public pages, search, feeds and the API at concurrency 1, 8 and 32: requests/s, p50, p95 and errors, and
   beside each the floor view at the same concurrency, in the same run.
2. The home page's p95 alone, then while four clients download public PDFs (built beforehand by the job code, as the
   worker would, and served as stored files): the goal is within 1.5× of its p95 without them.

This suite runs its own server (bench/__main__.py starts it outside the waitress phase) and prints its own tables.
"""

import http.client
import multiprocessing
import os
import random
import subprocess
import sys
import time

from bench.harness import FLOOR_PATH, HOST, ROOT, Result

PORT = int(os.environ.get("BENCH_GUNICORN_PORT", int(os.environ.get("BENCH_PORT", "8765")) + 1))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
# BENCH_CONCURRENCY_LEVELS="" times only the home page during PDF downloads (when trying server settings).
LEVELS = [int(n) for n in os.environ.get("BENCH_CONCURRENCY_LEVELS", "1,8,32").split(",") if n]
REQUESTS_PER_LEVEL = int(os.environ.get("BENCH_CONCURRENCY_REQUESTS", "800"))
HOME_SAMPLES = 200
PDF_CLIENTS = 4
# A member of the public on home broadband (16 Mbit/s): the pace at which a real client takes a PDF off the server.
BROADBAND = 2 * 1024 * 1024
CONTEXT = multiprocessing.get_context("fork")
SERVER = "gunicorn"  # bench/__main__.py: run outside the waitress phase


def prepare():
    """The pages' data: the meetings and search suites' generators (idempotent), if `make bench` has not run them."""
    from bench.suites import meetings

    meetings.prepare()


class Gunicorn:
    """gunicorn as `make serve` runs it (threaded workers), on the benchmark database, with Redis as the cache."""

    def __enter__(self):
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "CACHE_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"bench-{settings.DATABASES['default']['NAME']}",
            "CELERY_BROKER_URL": "memory://",  # PDFs are built by this process below; nothing is sent anywhere
        }
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py", "--bind", f"{HOST}:{PORT}"]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(_connection(), FLOOR_PATH)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.proc.kill()
        raise RuntimeError("gunicorn did not start: " + self.proc.stderr.read().decode()[-2000:])

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _connection():
    return http.client.HTTPConnection(HOST, PORT, timeout=120)


def get(conn, path):
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def _client(paths: list[str], start_at: float, results) -> None:
    """One client process: GET each path in turn over one keep-alive connection; report (seconds, status) pairs."""
    while time.time() < start_at:  # every client starts together
        time.sleep(0.001)
    conn, out = _connection(), []
    for path in paths:
        began = time.perf_counter()
        try:
            status, _ = get(conn, path)
        except (OSError, http.client.HTTPException):
            status, conn = 0, _connection()
        out.append((time.perf_counter() - began, status))
    results.put(out)


def load(paths: list[str], concurrency: int, total: int, seed: int = 16):
    """`total` GETs shared by `concurrency` clients, paths drawn from `paths`. Each client is its own process, so no
    client waits on another's Python lock and the timings are the server's (the machine's cores are still shared)."""
    rng = random.Random(seed)
    plan = [rng.choice(paths) for _ in range(total)]
    shares = [plan[i::concurrency] for i in range(concurrency)]
    results = CONTEXT.Queue()
    start_at = time.time() + 0.5
    clients = [CONTEXT.Process(target=_client, args=(share, start_at, results)) for share in shares]
    for client in clients:
        client.start()
    pairs = [pair for _ in clients for pair in results.get()]
    for client in clients:
        client.join()
    wall = time.time() - start_at
    return [seconds for seconds, _ in pairs], sum(1 for _, status in pairs if status != 200), wall


def _downloader(pdfs: list[str], offset: int, stop, counter, rate: int | None) -> None:
    """Download the PDFs in turn until told to stop; with `rate` (bytes/s), read each as a client on that line would."""
    conn, i = _connection(), offset
    while not stop.is_set():
        try:
            conn.request("GET", pdfs[i % len(pdfs)])
            response = conn.getresponse()
            while chunk := response.read(64 * 1024):
                if rate:
                    time.sleep(len(chunk) / rate)
            with counter.get_lock():
                counter.value += 1
        except (OSError, http.client.HTTPException):
            conn = _connection()
        i += 1


def home_while_downloading(pdfs: list[str], rate: int | None, seed: int):
    """The home page's timings (one client) while PDF_CLIENTS other processes download `pdfs` (at `rate`, or flat out)."""
    stop, counter = CONTEXT.Event(), CONTEXT.Value("i", 0)
    downloaders = [CONTEXT.Process(target=_downloader, args=(pdfs, n, stop, counter, rate)) for n in range(PDF_CLIENTS)]
    for downloader in downloaders:
        downloader.start()
    time.sleep(2)  # downloads under way before the first timing
    samples, errors, _ = load(["/"], 1, HOME_SAMPLES, seed=seed)
    stop.set()
    for downloader in downloaders:
        downloader.join(timeout=60)
    return samples, errors, counter.value


def mix() -> list[str]:
    """Public pages, search, feeds and the API, as a member of the public (or a robot) browses them."""
    from committee.models import Committee, Person
    from meetings.models import Meeting

    committee = Committee.objects.order_by("pk").first()
    meetings = [m.get_absolute_url() for m in Meeting.objects.order_by("-date")[:20]]
    person = Person.objects.order_by("pk").first()
    return [
        "/",
        "/meetings/",
        *meetings[:5],
        "/decisions/",
        "/actions/",
        "/questions/",
        f"/committees/{committee.slug}/",
        f"/committees/{committee.slug}/follow-through/",
        f"/people/{person.slug}/",
        "/search/?q=kinship",
        "/search/?q=attendance+report",
        "/search/?q=Falton",
        "/feed/",
        f"/committees/{committee.slug}/feed/",
        "/meetings/calendar.ics",
        "/api/events",
        "/api/actions?limit=50",
        "/api/resolutions",
        "/api/people",
    ]


def public_pdfs() -> list[str]:
    """Public PDFs, built now by the job code (as the worker would) so that the server only serves stored files."""
    from django.contrib.auth.models import AnonymousUser

    from committee.models import BuiltPdf
    from committee.printing import pdf_build
    from meetings.models import Meeting, MinuteItem

    # Meetings whose minutes the public may read (approved, or a published draft) and that have public minutes to print:
    # the newest meetings with minute rows may still be in draft, which would leave only the report to download.
    public_minutes = Meeting.objects.filter(Meeting.public_minutes_q()).filter(
        pk__in=MinuteItem.objects.visible_to(AnonymousUser()).values("meeting_id")
    )
    urls = [f"/meetings/{pk}/minutes.pdf" for pk in public_minutes.order_by("-date").values_list("pk", flat=True)[:3]]
    urls += ["/complaints/report/2024-25.pdf"]
    ready = []
    for url in urls:
        # A connection per request: the server closes one left idle while a PDF is built here.
        status, _ = get(_connection(), url)
        if status == 202:  # queued by the request: build it here, as the worker would
            for pdf_id in BuiltPdf.objects.filter(status=BuiltPdf.Status.QUEUED).values_list("pk", flat=True):
                pdf_build(pdf_id=pdf_id)
            status, _ = get(_connection(), url)
        if status == 200:
            ready.append(url)
    if len(ready) < len(urls):
        raise RuntimeError(f"Only {len(ready)} of {len(urls)} public PDFs could be served: {sorted(set(urls) - set(ready))}")
    return ready


def pct(samples, q):
    return Result.pct(samples, q)


def run():
    rows, notes = [], []
    paths = mix()
    with Gunicorn():
        load(paths, 4, 200)  # warm every worker's connections and the shared cache
        for level in LEVELS:
            floor, floor_errors, floor_time = load([FLOOR_PATH], level, REQUESTS_PER_LEVEL)
            samples, errors, wall = load(paths, level, REQUESTS_PER_LEVEL)
            rows.append(
                [
                    f"{level}",
                    f"{len(samples) / wall:.0f}",
                    f"{pct(samples, 50) * 1000:.1f}",
                    f"{pct(samples, 95) * 1000:.1f}",
                    f"{errors}",
                    f"{len(floor) / floor_time:.0f}",
                    f"{pct(floor, 50) * 1000:.1f}",
                    f"{pct(floor, 95) * 1000:.1f}",
                    f"{floor_errors}",
                    f"{pct(samples, 95) / pct(floor, 95):.1f}×",
                ]
            )
        pdfs = public_pdfs()
        alone, _, _ = load(["/"], 1, HOME_SAMPLES)
        flat_out = home_while_downloading(pdfs, None, seed=17)
        paced = home_while_downloading(pdfs, BROADBAND, seed=18)
    header = [
        "clients",
        "mix req/s",
        "mix p50 ms",
        "mix p95 ms",
        "mix errors",
        "floor req/s",
        "floor p50",
        "floor p95",
        "floor errors",
        "p95 ÷ floor",
    ]
    _print(
        f"Concurrency: gunicorn ({_workers()}), {len(paths)} public URLs (pages, search, feeds, API), {REQUESTS_PER_LEVEL} per level",
        header,
        rows,
    )
    pdf_rows = [["home alone", f"{pct(alone, 50) * 1000:.1f}", f"{pct(alone, 95) * 1000:.1f}", "", ""]]
    for label, (busy, busy_errors, served) in [
        (f"home + {PDF_CLIENTS} clients downloading PDFs at 16 Mbit/s", paced),
        (f"home + {PDF_CLIENTS} clients downloading PDFs flat out (loopback)", flat_out),
    ]:
        ratio = pct(busy, 95) / pct(alone, 95)
        pdf_rows.append(
            [
                label,
                f"{pct(busy, 50) * 1000:.1f}",
                f"{pct(busy, 95) * 1000:.1f}",
                f"{ratio:.2f}× ({'within' if ratio <= 1.5 else 'over'} 1.5×)",
                f"{served} PDFs served ({len(pdfs)} files), {busy_errors} errors",
            ]
        )
    _print("Home page while public PDFs download", ["", "p50 ms", "p95 ms", "p95 ratio", "notes"], pdf_rows)
    for note in notes:
        print(f"* {note}")
    return []


def _workers() -> str:
    import multiprocessing

    workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 9)))
    return f"{workers} workers × {os.environ.get('GUNICORN_THREADS', 4)} threads on {multiprocessing.cpu_count()} cores"


def _print(title, header, rows):
    table = [header, *rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print()
    print(title)
    print(line)
    for i, row in enumerate(table):
        print("| " + " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print(line)
    print(line)
