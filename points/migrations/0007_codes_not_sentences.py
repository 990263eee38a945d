"""A submission keeps why its grant was refused as codes, rendered when read in
the reader's language; the members' stored eligibility reasons likewise.

Sentences stored before keep their text as a `legacy` reason, so nothing a
member was told is lost.
"""

from django.db import migrations, models

REFUSALS = ("not_eligible", "prior_recipient", "pending_review", "budget_exhausted")


def sentences_to_codes(apps, schema_editor):
    Submission = apps.get_model("points", "Submission")
    for submission in Submission.objects.filter(outcome__in=REFUSALS).exclude(outcome_message=""):
        submission.outcome_reasons = [
            {"code": "legacy", "params": {"text": submission.outcome_message}}
        ]
        submission.save(update_fields=["outcome_reasons"])
    Business = apps.get_model("members", "Business")
    for business in Business.objects.exclude(eligibility_reasons=[]):
        business.eligibility_reasons = [
            r if isinstance(r, dict) else {"code": "legacy", "params": {"text": str(r)}}
            for r in business.eligibility_reasons
        ]
        business.save(update_fields=["eligibility_reasons"])


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0006_category_table"),
        ("members", "0004_registrationapplication_representative_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="outcome_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="reasons given"),
        ),
        migrations.RunPython(sentences_to_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="submission", name="outcome_message"),
    ]
