"""Minute numbers checked by the database: each minute records its numbering sequence, unique with its number.

Also: a minute's agenda item and a question's minute are PROTECTed, so deleting them can never make what hangs off
them public (their privacy is derived from them)."""

import django.db.models.deletion
from django.db import migrations, models

from committee.dates import municipal_year


def fill_sequences(apps, schema_editor):
    """Give every existing minute its sequence, as meetings.models.core.minute_sequence_key does."""
    MinuteItem = apps.get_model("meetings", "MinuteItem")
    rows = MinuteItem.objects.select_related("meeting", "meeting__committee")
    for minute in rows.iterator(chunk_size=2000):
        committee, meeting = minute.meeting.committee, minute.meeting
        if committee.minute_numbering == "meeting":
            key = f"{committee.pk}:meeting:{meeting.pk}"
        elif committee.minute_numbering == "municipal_year":
            key = f"{committee.pk}:{municipal_year(meeting.date)}"
        else:
            key = f"{committee.pk}:all"
        MinuteItem.objects.filter(pk=minute.pk).update(sequence=key)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_minute_speakers"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalminuteitem",
            name="sequence",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The numbering sequence the number belongs to (committee and year or meeting), set by the services.",
                max_length=40,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="minuteitem",
            name="sequence",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The numbering sequence the number belongs to (committee and year or meeting), set by the services.",
                max_length=40,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="minuteitem",
            name="agenda_item",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="minute_items", to="meetings.agendaitem"
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="minute_item",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="questions", to="meetings.minuteitem"
            ),
        ),
        migrations.RunPython(fill_sequences, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="minuteitem",
            constraint=models.UniqueConstraint(fields=("sequence", "number"), name="unique_minute_number_in_sequence"),
        ),
    ]
