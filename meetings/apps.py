from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, minutes and actions"

    def ready(self):
        from importlib import import_module

        from committee import checks, jobs, keep, printing
        from meetings import checks as meeting_checks  # registers the meeting rules

        jobs.register("meetings.AgendaPack", "meetings.tasks.pack_build_task")
        printing.track_changes("meetings")
        keep.track_changes("meetings")  # kept pages (committee/keep.py): the versions of what each write touches
        keep.register(import_module("meetings.kept").PAGES)
        printing.register_builder("minutes", "meetings.printing.build_minutes", version="meetings.printing.print_version")
        printing.register_builder("paper", "meetings.printing.build_paper", version="meetings.printing.print_version")
        checks.meetings_loader(meeting_checks.meetings_of)
