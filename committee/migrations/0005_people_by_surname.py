"""People listed by surname, as councils list them: a sort key kept by the services (committee.services.person_save)."""

from django.db import migrations, models


def fill_sort_names(apps, schema_editor):
    from committee.models import surname_first

    Person = apps.get_model("committee", "Person")
    for person in Person.objects.only("pk", "name").iterator(chunk_size=2000):
        Person.objects.filter(pk=person.pk).update(sort_name=surname_first(person.name))


class Migration(migrations.Migration):
    dependencies = [("committee", "0004_committee_usual_time")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="sort_name",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                help_text="Surname first, for lists (set from the name by the services).",
                max_length=160,
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["sort_name", "name"], "verbose_name_plural": "people"},
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
    ]
