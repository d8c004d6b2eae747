from django.core.management.base import BaseCommand

from improvement.demo import load_improvement_demo


class Command(BaseCommand):
    help = "Load the inspections, improvement plans and KPIs transcribed from the seeds (idempotent; run after load_demo)."

    def handle(self, *args, **options):
        counts, skipped = load_improvement_demo()
        self.stdout.write("Improvement demo: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
        for reason in skipped:
            self.stderr.write(f"  skipped link: {reason}")
