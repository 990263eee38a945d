"""Plans point down at the program's categories (points.Category); the catalog
no longer owns the model. State only: see points 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_plan_listed_index"),
        ("points", "0005_category_moves_to_points"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="plan",
                    name="category",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plans",
                        to="points.category",
                        verbose_name="category",
                    ),
                ),
                migrations.DeleteModel(name="Category"),
            ],
            database_operations=[],
        )
    ]
