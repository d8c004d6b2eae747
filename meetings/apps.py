from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, minutes and actions"

    def ready(self):
        from committee import checks, jobs, printing
        from meetings import checks as meeting_checks  # registers the meeting rules

        jobs.register("meetings.AgendaPack", "meetings.tasks.pack_build_task")
        printing.track_changes("meetings")
        printing.register_builder("minutes", "meetings.printing.build_minutes")
        printing.register_builder("paper", "meetings.printing.build_paper")
        checks.meetings_loader(meeting_checks.meetings_of)
