"""Distribution (placements, subscription rules, column settings) moves from the library.

Issue 7: distribution is about columns, so its models belong to the portal. Only
Django's model state moves: the tables keep their names (``db_table``), their rows,
constraints and indexes, so nothing is copied (``SeparateDatabaseAndState``, the
pattern Django documents for changing state without touching the schema). The content
types are relabelled, so the permissions groups hold and audit-log entries stay
attached to the same rows. ``library.0003`` then drops the models from the library's
state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["placement", "columnsubscription", "columndistributionsettings"]


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label="portal", model=model).exists():
            # Created by an earlier post_migrate: keep the library's (it holds the
            # permissions and log entries) and drop the empty duplicate.
            old = ContentType.objects.using(db).filter(app_label="library", model=model)
            if old.exists():
                ContentType.objects.using(db).filter(app_label="portal", model=model).delete()
        ContentType.objects.using(db).filter(app_label="library", model=model).update(
            app_label="portal"
        )


def unlabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="portal", model__in=MOVED).update(
        app_label="library"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("library", "0002_seed_themes"),
        ("portal", "0003_remove_articlepage"),
        ("registry", "0003_legacy_sites_exempt_from_site3"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ColumnDistributionSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('requires_acceptance', models.BooleanField(default=False, help_text='勾选后，主管单位推送到本栏目的信息须由本站编辑接收后才显示。', verbose_name='推送须经本站接收')),
                    ('column', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='library_settings', to='portal.columnpage', verbose_name='栏目')),
                ],
                options={
                    'verbose_name': '栏目分发设置',
                    'verbose_name_plural': '栏目分发设置',
                    'db_table': 'library_columndistributionsettings',
                },
            ),
            migrations.CreateModel(
                name='ColumnSubscription',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='规则名称')),
                    ('resource_types', models.JSONField(blank=True, default=list, verbose_name='资源类型')),
                    ('include_sub_orgs', models.BooleanField(default=True, verbose_name='包含下属机构')),
                    ('active', models.BooleanField(default=True, verbose_name='启用')),
                    ('column', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='library_subscriptions', to='portal.columnpage', verbose_name='栏目')),
                    ('source_orgs', models.ManyToManyField(blank=True, related_name='+', to='registry.organization', verbose_name='来源机构')),
                    ('themes', models.ManyToManyField(blank=True, to='library.theme', verbose_name='主题分类')),
                ],
                options={
                    'verbose_name': '栏目订阅规则',
                    'verbose_name_plural': '栏目订阅规则',
                    'db_table': 'library_columnsubscription',
                },
            ),
            migrations.CreateModel(
                name='Placement',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('state', models.CharField(choices=[('active', '已生效'), ('pending', '待接收'), ('rejected', '已拒收')], default='active', max_length=16, verbose_name='状态')),
                    ('via', models.CharField(choices=[('explicit', '编辑放置'), ('push', '主管推送')], default='explicit', max_length=16, verbose_name='方式')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('column', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='library_placements', to='portal.columnpage')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('resource', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='library.resource')),
                ],
                options={
                    'verbose_name': '栏目投放',
                    'verbose_name_plural': '栏目投放',
                    'db_table': 'library_placement',
                    'indexes': [models.Index(fields=['column', 'state'], name='lib_placement_col_state')],
                    'constraints': [models.UniqueConstraint(fields=('resource', 'column'), name='lib_placement_uniq')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
