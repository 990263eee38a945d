"""The starting self-assessment questions (RULES T1); staff edit them in admin."""

from django.db import migrations


def forwards(apps, schema_editor):
    from points.questions import QUESTIONS

    Question = apps.get_model("points", "Question")
    Choice = apps.get_model("points", "Choice")
    Category = apps.get_model("catalog", "Category")
    if Question.objects.exists():
        return
    by_code = {c.code: c for c in Category.objects.all()}
    for qpos, (area, zh, en, choices) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(area=area, text_zh=zh, text_en=en, position=qpos * 10)
        for cpos, (czh, cen, codes) in enumerate(choices, start=1):
            choice = Choice.objects.create(
                question=question, text_zh=czh, text_en=cen, position=cpos
            )
            choice.categories.set([by_code[c] for c in codes if c in by_code])


class Migration(migrations.Migration):
    dependencies = [("points", "0003_ledger_append_only"), ("catalog", "0002_categories")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
