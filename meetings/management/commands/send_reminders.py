"""Cron: e-mail owners about commitments due soon or overdue. Safe to run as often as you like."""

import datetime

from django.core.management.base import BaseCommand

from meetings.followthrough import send_commitment_reminders


class Command(BaseCommand):
    help = "Remind owners N working days before a commitment is due (REMINDER_WORKING_DAYS) and once it is overdue."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        sent = send_commitment_reminders(today=today)
        self.stdout.write(f"Reminders sent: {sent['upcoming']} due soon, {sent['overdue']} overdue.")
