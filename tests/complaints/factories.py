"""factory_boy factories for the complaints models; records are created through complaints.services."""

import datetime

import factory

from complaints import services
from complaints.models import Complaint, ComplaintPersonalData, Compliment, LearningAction, OmbudsmanCase, Stage, Team, Theme


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Team {n}")
    slug = factory.Sequence(lambda n: f"test-team-{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Theme {n}")
    slug = factory.Sequence(lambda n: f"test-theme-{n}")


class ComplaintFactory(factory.django.DjangoModelFactory):
    """ComplaintFactory(teams=[team], personal_data={...}) logs a complaint the way the admin does."""

    class Meta:
        model = Complaint

    received_date = datetime.date(2024, 6, 3)
    received_how = Complaint.ReceivedHow.EMAIL
    complainant_type = Complaint.ComplainantType.PARENT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.complaint_create(**kwargs)


class StageFactory(factory.django.DjangoModelFactory):
    """StageFactory(complaint=c, number=2, opened_date=...) opens (or escalates to) a stage through the service."""

    class Meta:
        model = Stage

    complaint = factory.SubFactory(ComplaintFactory)
    number = 1
    opened_date = factory.LazyAttribute(lambda o: o.complaint.received_date + datetime.timedelta(days=3))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.stage_open(**kwargs)


class PersonalDataFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintPersonalData

    complaint = factory.SubFactory(ComplaintFactory)
    complainant_name = "A Complainant"

    @classmethod
    def _create(cls, model_class, *args, complaint, **kwargs):
        return services.personal_data_save(complaint=complaint, **kwargs)


class ComplimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compliment

    received_date = datetime.date(2024, 7, 1)
    team = factory.SubFactory(TeamFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.compliment_record(**kwargs)


class OmbudsmanCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OmbudsmanCase

    received_date = datetime.date(2024, 9, 2)
    lgsco_reference = factory.Sequence(lambda n: f"24 {n:03d} 000")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.ombudsman_case_save(case=model_class(**kwargs))


class LearningActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningAction

    raised_date = datetime.date(2024, 10, 1)
    category = LearningAction.Category.PRACTICE
    description = factory.Sequence(lambda n: f"Training on recording decisions ({n})")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.learning_action_save(action=model_class(**kwargs))
