"""Distribution's models leave the library's state; their tables stay (portal.0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_seed_themes"),
        ("portal", "0004_move_distribution"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='columnsubscription',
                name='column',
            ),
            migrations.RemoveField(
                model_name='columnsubscription',
                name='source_orgs',
            ),
            migrations.RemoveField(
                model_name='columnsubscription',
                name='themes',
            ),
            migrations.RemoveField(
                model_name='placement',
                name='column',
            ),
            migrations.RemoveField(
                model_name='placement',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='placement',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='placement',
                name='resource',
            ),
            migrations.DeleteModel(
                name='ColumnDistributionSettings',
            ),
            migrations.DeleteModel(
                name='ColumnSubscription',
            ),
            migrations.DeleteModel(
                name='Placement',
            ),
            ],
            database_operations=[],
        ),
    ]
