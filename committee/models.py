"""Committees, the people who serve on or report to them, and who holds which seat when."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from committee.dates import municipal_year_bounds
from committee.jobs import Job, JobStatus
from committee.links import record_url
from committee.provenance import Provenance
from committee.scoping import CommitteeScopedQuerySet


class CommitteeQuerySet(CommitteeScopedQuerySet):
    committee_path = ""

    def active(self):
        """Committees still meeting."""
        return self.filter(is_active=True)

    def with_restricted_access_for(self, user):
        """Committees whose drafts and exempt items `user` may see: seats they hold now, or committees they support."""
        if not user.is_authenticated:
            return self.none()
        seat = seat_held_q(datetime.date.today(), prefix="memberships__") & Q(memberships__person__user=user)
        return self.filter(seat | Q(supporting_officers=user)).distinct()

    def supported_by(self, user):
        """Committees whose records `user` may enter in the admin (superusers too only where they support them)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(supporting_officers=user)


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    short_name = models.CharField(max_length=80, blank=True, help_text='What officers write on cover sheets, e.g. "CYP Scrutiny".')
    aliases = models.TextField(blank=True, help_text="Other names the committee goes by in reports, one per line (so search finds them).")
    remit = models.TextField(blank=True, help_text="What the committee scrutinises, in plain words.")
    minute_prefix = models.CharField(
        max_length=12, blank=True, help_text='Prefix for new minute numbers, e.g. "CYP." gives "CYP.77". Leave blank for plain numbers.'
    )

    class MinuteNumbering(models.TextChoices):
        CONTINUOUS = "continuous", "Continue across meetings and years"
        MUNICIPAL_YEAR = "municipal_year", "Restart each municipal year"
        MEETING = "meeting", "Restart at each meeting"

    minute_numbering = models.CharField(
        max_length=20,
        choices=MinuteNumbering.choices,
        default=MinuteNumbering.CONTINUOUS,
        help_text="How minute numbers run. Bury's committees continue them from meeting to meeting.",
    )
    contact_name = models.CharField("contact officer", max_length=120, blank=True, help_text="The clerk named on the agenda front sheet.")
    contact_phone = models.CharField("direct line", max_length=40, blank=True)
    contact_email = models.EmailField("e-mail", blank=True)
    default_venue = models.CharField(
        max_length=200, blank=True, default="Council Chamber, Town Hall, Bury, BL9 0SW", help_text="New meetings take this venue."
    )
    default_start_time = models.TimeField(default=datetime.time(19, 0), help_text="New meetings start at this time.")
    briefing_facilities = models.TextField(blank=True, help_text="Boilerplate printed on every summons under 'Briefing Facilities'.")
    is_active = models.BooleanField(default=True)
    supporting_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supported_committees",
        help_text="Officers and clerks who enter this committee's records; they see its drafts and exempt items.",
    )

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return record_url("meetings:committee", slug=self.slug)

    @property
    def label(self):
        """The short name where there is one ("CYP Scrutiny"), for pickers and lists."""
        return self.short_name or self.name


def surname_first(name: str) -> str:
    """How people are sorted, as councils list them: "C Boles" sorts as "Boles C", "Shahbaz Arif" as "Arif Shahbaz"."""
    words = (name or "").split()
    return " ".join([*words[-1:], *words[:-1]]).casefold()


class PersonQuerySet(models.QuerySet):
    def councillors(self):
        """Elected members."""
        return self.filter(kind=Person.Kind.COUNCILLOR)

    def with_pages(self):
        """People who have a public page: everyone but members of the public (who asked a question, say)."""
        return self.exclude(kind=Person.Kind.PUBLIC)


class Person(models.Model):
    class Kind(models.TextChoices):
        COUNCILLOR = "councillor", "Councillor"
        CO_OPTED = "co_opted", "Co-opted member"
        OFFICER = "officer", "Council officer"
        EXTERNAL = "external", "External (partner or inspectorate)"
        PUBLIC = "public", "Member of the public"

    name = models.CharField(max_length=120, help_text='As the council prints it, e.g. "C Boles".')
    full_name = models.CharField(
        max_length=160, blank=True, help_text='Where known, e.g. "Shahbaz Arif"; tells apart people who share an initial and surname.'
    )
    slug = models.SlugField(max_length=120, unique=True)
    honorific = models.CharField(max_length=40, blank=True, help_text='"Councillor" for members; blank for officers.')
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICER, db_index=True)
    job_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Current title. Titles as they were at a meeting are kept on that meeting's attendance record.",
    )
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The login of a councillor or officer, so their committee seats decide what they may see.",
    )

    sort_name = models.CharField(
        max_length=160, editable=False, db_index=True, help_text="Surname first, for lists (set from the name by the services)."
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return f"{self.honorific} {self.name}".strip()

    def get_absolute_url(self):
        return record_url("meetings:person", slug=self.slug)

    @property
    def has_page(self) -> bool:
        """Members of the public who asked a question get no page of their own (PersonQuerySet.with_pages)."""
        return self.kind != self.Kind.PUBLIC

    @property
    def display_name(self):
        """Name with honorific and, where known, the full name."""
        base = self.full_name or self.name
        return f"{self.honorific} {base}".strip()


def seat_held_q(on: datetime.date, prefix: str = "") -> Q:
    """The one definition of "holds the seat on `on`" (a membership or special role that has started and not ended)."""
    return Q(**{f"{prefix}start_date__lte": on}) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on}))


class MembershipQuerySet(CommitteeScopedQuerySet):
    def current(self, on: datetime.date | None = None):
        """Seats held on a given day (today by default)."""
        return self.filter(seat_held_q(on or datetime.date.today()))

    def in_municipal_year(self, label: str):
        """Seats held at any time during a municipal year such as "2025-26"."""
        first, last = municipal_year_bounds(label)
        return self.filter(Q(start_date__lte=last), Q(end_date__isnull=True) | Q(end_date__gte=first))

    def seat_order(self):
        """Chair first, then vice-chair, members, co-opted members, substitutes; by name within each."""
        order = models.Case(
            *[models.When(role=value, then=i) for i, value in enumerate(Membership.Role.values)],
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "person__name")


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-Chair"
        MEMBER = "member", "Member"
        CO_OPTED = "co_opted", "Co-opted member"
        SUBSTITUTE = "substitute", "Substitute"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    role_provenance = models.CharField(
        "role is",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="'Inferred' where no document gives this role (a councillor minuted as present who holds no seat, "
        "taken to be a substitute).",
    )
    capacity = models.CharField(
        max_length=120, blank=True, help_text='For co-opted members, e.g. "Union Representative", "Youth Representative".'
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Blank while the seat is held.")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "-start_date"]
        indexes = [models.Index(fields=["committee", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message="A membership cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}, {self.committee}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class SpecialRole(models.Model):
    """A named responsibility a member holds for a committee, e.g. Corporate Parenting Champion."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="special_roles")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="special_roles")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "title", "-start_date"]

    def __str__(self):
        return f"{self.title}: {self.person}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class DataVersionQuerySet(models.QuerySet):
    def key(self, name: str) -> str:
        """The version of `name` as a cache-key part (the timestamp keeps keys apart when a rollback reuses a number)."""
        version = self.filter(name=name).values_list("number", "changed_at").first()
        return f"{version[0]}-{version[1].timestamp()}" if version else "0"

    def keys(self, names: list[str]) -> str:
        """The versions of several bodies of data as one key part, in one query."""
        found = {
            name: f"{number}-{at.timestamp()}"
            for name, number, at in self.filter(name__in=names).values_list("name", "number", "changed_at")
        }
        return ",".join(f"{name}={found.get(name, '0')}" for name in names)


class DataVersion(models.Model):
    """A counter bumped whenever a body of data changes (committee.services.data_changed); what is computed from
    that data (the annual complaints report, search results) is cached against it, so no cache outlives a change."""

    name = models.CharField(max_length=40, unique=True)
    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    objects = DataVersionQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} v{self.number}"


def built_pdf_upload_to(pdf, filename):
    """Where a built PDF is stored: by kind and data version, never overwritten (served only through a view)."""
    return f"built/{pdf.kind}/{pdf.key}-{pdf.audience}-{pdf.version}.pdf"


class BuiltPdfQuerySet(models.QuerySet):
    def of(self, *, kind: str, key: str, audience: str, version: str):
        """The PDF of one thing, for one audience, as built from one version of its data."""
        return self.filter(kind=kind, key=key, audience=audience, version=version)

    def superseded(self):
        """Built PDFs for which a newer built version of the same thing and audience exists."""
        newer = BuiltPdf.objects.filter(
            kind=models.OuterRef("kind"),
            key=models.OuterRef("key"),
            audience=models.OuterRef("audience"),
            status=JobStatus.READY,
            built_at__gt=models.OuterRef("built_at"),
        )
        return self.filter(models.Exists(newer))


class BuiltPdf(Job):
    """A PDF the worker built once for one version of the data it prints: the annual complaints report, an improvement
    plan, a meeting's printed minutes, a paper. Requests serve the stored file; none lays a PDF out
    (committee.printing). The row is its build job too (committee.jobs.Job)."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "Everyone who may open it"
        RESTRICTED = "restricted", "Members and officers (with exempt and draft content)"

    Status = JobStatus

    kind = models.CharField(max_length=40, help_text="What is printed: complaints-report, improvement-plan, minutes, paper.")
    key = models.CharField(max_length=100, help_text="Which one: the year, the plan, the meeting or the paper.")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    version = models.CharField(max_length=64, help_text="The version of the data it was built from (a digest).")
    filename = models.CharField(max_length=200, help_text="The name it downloads as.")
    file = models.FileField(upload_to=built_pdf_upload_to, blank=True, max_length=255)  # long committee names make long file names
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)

    objects = BuiltPdfQuerySet.as_manager()

    class Meta:
        verbose_name = "built PDF"
        constraints = [models.UniqueConstraint(fields=["kind", "key", "audience", "version"], name="one_built_pdf_per_version")]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.audience}, {self.get_status_display().lower()})"
