"""The subsidy zone's categories belong to the program (RULES P1, P3): the model
moves from catalog to points, so the program no longer points up at the catalog.

State only: the table stays where it is here (`catalog_category`) and is renamed
by 0006; every foreign key keeps pointing at the same rows.
"""

from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    # Staff permissions on categories keep working under the new app label.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="catalog", model="category").update(app_label="points")


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="points", model="category").update(app_label="catalog")


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0004_seed_questions"),
        ("catalog", "0005_plan_listed_index"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name_zh", models.CharField(max_length=60, verbose_name="name (Chinese)")),
                        ("name_en", models.CharField(max_length=80, verbose_name="name (English)")),
                        (
                            "position",
                            models.PositiveSmallIntegerField(unique=True, verbose_name="position"),
                        ),
                    ],
                    options={
                        "verbose_name": "category",
                        "verbose_name_plural": "categories",
                        "ordering": ["position"],
                        "db_table": "catalog_category",
                    },
                ),
                migrations.AlterField(
                    model_name="program",
                    name="categories",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="programs",
                        to="points.category",
                        verbose_name="subsidy zone categories",
                    ),
                ),
                migrations.AlterField(
                    model_name="choice",
                    name="categories",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="assessment_choices",
                        to="points.category",
                        verbose_name="points to categories",
                    ),
                ),
                migrations.AlterField(
                    model_name="submission",
                    name="recommended_categories",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="points.category",
                        verbose_name="recommended categories",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
