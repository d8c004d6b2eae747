import pytest
from django.core.management import call_command


@pytest.fixture
def improvement_demo(demo):
    """The committee demo plus the inspections, plans and KPIs transcribed from the seeds (improvement/demo/*.yaml)."""
    call_command("load_improvement_demo", verbosity=0)
