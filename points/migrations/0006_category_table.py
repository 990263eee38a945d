"""The categories' table takes its owner's name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0005_category_moves_to_points"),
        ("catalog", "0006_category_moves_to_points"),
    ]

    operations = [migrations.AlterModelTable(name="category", table=None)]
