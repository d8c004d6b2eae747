"""Complaints annual report at a year of 100,000 complaints (and two years before it, for the comparison columns).

The report is computed in a fixed number of grouped queries from parts of each year kept until their own data
changes (complaints.kept), so it is timed both ways: as served (kept) and straight after a change to one 2024/25
complaint (the parts it touched recomputed, 2024/25 added up again, the other two years taken whole).
"""

import time

from bench.harness import FLOOR_PATH, Result, fetch, time_requests

SIZE = {"complaints": 100_000, "years": 3, "year": "2024-25"}
N = 30
N_COLD = 8  # each sample after a change recomputes the parts of the year it touched
REPORT = f"/complaints/report/{SIZE['year']}/"


def prepare():
    from django.core.management import call_command

    call_command("generate_complaints_bench", **SIZE)


def _officer_cookie() -> dict:
    """A signed-in Officer (staff, may view complaints, not a two-factor role) for the work list."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from committee.roles import sync_roles

    sync_roles()
    user, _ = get_user_model().objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name="Officer")])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Every role signs in with two-factor: this session has passed it (django-otp keeps the device in the session).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session["otp_device_id"] = device.persistent_id
    session.create()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


def _time_after_a_change(path, n):
    """Time `path` straight after each change to one 2024/25 complaint, as the services note it (the months it and
    its stages fall in), so those months are recomputed and the rest comes from the kept months."""
    from complaints import services
    from complaints.models import Complaint
    from complaints.years import FinancialYear

    complaint = Complaint.objects.received_in(FinancialYear.parse(SIZE["year"])).order_by("-received_date", "-pk").first()
    samples = []
    fetch(path)  # every month kept once, as any earlier view leaves them
    for _ in range(n):
        services.report_data_changed(*services.complaint_days(complaint))
        start = time.perf_counter()
        status, body = fetch(path)
        samples.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
    return samples


def _built(path):
    """Ask for a PDF once and build it here, as the worker would (it is then served as a stored file)."""
    from committee.models import BuiltPdf
    from committee.printing import pdf_build

    if fetch(path)[0] == 202:
        for pdf_id in BuiltPdf.objects.filter(status=BuiltPdf.Status.QUEUED).values_list("pk", flat=True):
            pdf_build(pdf_id=pdf_id)
    return path


def run():
    from complaints.models import Complaint, Stage
    from complaints.years import FinancialYear

    year = FinancialYear.parse(SIZE["year"])
    per_year = Complaint.objects.received_in(year).count()
    stages = Stage.objects.count()
    size = f"{per_year:,} complaints in {year.label} ({Complaint.objects.count():,} over 3 years, {stages:,} stages)"
    results = []
    for name, path, headers, n in [
        ("Complaints: index of years", "/complaints/", None, N),
        ("Complaints: annual report, as served", REPORT, None, N),
        ("Complaints: one table as CSV", f"/complaints/report/{SIZE['year']}/teams.csv", None, N),
        ("Complaints: PDF (built by the worker, served)", _built(f"/complaints/report/{SIZE['year']}.pdf"), None, N),
        ("Complaints: officer's work list", "/complaints/work-list/", _officer_cookie(), N),
    ]:
        floor = time_requests(FLOOR_PATH, n)
        results.append(Result(name, size, time_requests(path, n, headers=headers), floor))
    floor = time_requests(FLOOR_PATH, N_COLD)
    results.append(
        Result(
            "Complaints: annual report, after a change",
            size,
            _time_after_a_change(REPORT, N_COLD),
            floor,
            notes="a write to one complaint before each request: its months recomputed (9 grouped queries), the rest kept",
        )
    )
    return results
