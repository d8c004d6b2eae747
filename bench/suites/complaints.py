"""Complaints annual report at a year of 100,000 complaints (and two years before it, for the comparison columns).

The report is computed in a fixed number of grouped queries from parts of each year kept until their own data
changes (complaints.kept), so it is timed both ways: as served (kept) and straight after a change to one 2024/25
complaint (the parts it touched recomputed, 2024/25 added up again, the other two years taken whole). The work list
holds complainants' personal data: it is never kept, so after a change it costs what it costs as served.
"""

from bench.harness import fetch, time_page

SIZE = {"complaints": 100_000, "years": 3, "year": "2024-25"}
N = 30
N_COLD = 8  # each sample after a change recomputes the parts of the year it touched
REPORT = f"/complaints/report/{SIZE['year']}/"
CSV = f"/complaints/report/{SIZE['year']}/teams.csv"


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


def _report_changed():
    """A write to the complaints data: what is cached against its version is recomputed on next use."""
    from complaints import services

    services.report_data_changed()


def _one_complaint_changed():
    """A change to one 2024/25 complaint, as the services note it (the parts it and its stages fall in): those parts
    are recomputed and the rest comes from the kept parts."""
    from complaints import services
    from complaints.models import Complaint
    from complaints.years import FinancialYear

    complaint = Complaint.objects.received_in(FinancialYear.parse(SIZE["year"])).order_by("-received_date", "-pk").first()
    services.report_data_changed(*services.complaint_days(complaint))


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
    officer = _officer_cookie()
    return [
        time_page("Complaints: index of years", size, "/complaints/", N, changed=_report_changed),
        time_page(
            "Complaints: annual report",
            size,
            REPORT,
            N,
            target="≤4× / ≤50×",
            changed=_one_complaint_changed,
            n_cold=N_COLD,
            notes="after a change: a write to one 2024/25 complaint before each request, its parts recomputed, the rest kept",
        ),
        time_page("Complaints: one table as CSV", size, CSV, N, changed=_report_changed, n_cold=N_COLD),
        time_page(
            "Complaints: PDF (built by the worker, served)",
            size,
            _built(f"/complaints/report/{SIZE['year']}.pdf"),
            N,
            target="served as a file",
            changed=None,
        ),
        time_page(
            "Complaints: officer's work list",
            size,
            "/complaints/work-list/",
            N,
            headers=officer,
            target="not kept (personal) / ≤5×",
            changed=_report_changed,
        ),
    ]
