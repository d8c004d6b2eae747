"""Reference lists: teams and themes (editable in the admin)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from complaints.models.common import sensible_date


class TeamQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Teams in existence on a date (today by default)."""
        on = on or datetime.date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def named(self, name: str):
        """Teams whose name or one of whose aliases is `name` (case-insensitive)."""
        name = name.strip()
        return self.filter(Q(name__iexact=name) | Q(aliases__iregex=rf"(^|\n){re.escape(name)}(\r?\n|$)"))


class Team(models.Model):
    """A children's social care team complaints and compliments are recorded against."""

    name = models.CharField(max_length=120, unique=True, help_text='As the annual report prints it, e.g. "Initial Response Team".')
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text="Other names for the team in older reports, one per line (CASS is printed as both "
        '"Children\'s Advice and Support Service" and "Care and Support Service").',
    )
    valid_from = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="Leave blank if the team existed before records began."
    )
    valid_to = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="The last day of a team that has closed or merged."
    )
    order = models.PositiveSmallIntegerField(default=100, help_text="Position in report tables (lower first).")

    history = HistoricalRecords()
    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "A team cannot close before it opens."})


class Theme(models.Model):
    """What a complaint is about ("Conduct of a member of staff", "Delay in the provision of service")."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.TextField(blank=True, help_text="Other wordings used in older reports, one per line.")
    order = models.PositiveSmallIntegerField(default=100, help_text="Position in report tables (lower first).")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
