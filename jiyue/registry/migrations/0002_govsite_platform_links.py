# Links each site record to its editors' group and media collection by key (they
# were looked up by the site's name, which broke on rename), and makes domain
# aliases an inline child of the site record (modelcluster ParentalKey).

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def link_existing(apps, schema_editor):
    """Attach the group and collection that provisioning made under the old naming."""
    GovSite = apps.get_model("registry", "GovSite")
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    for site in GovSite.objects.filter(wagtail_site__isnull=False):
        site.editors_group = Group.objects.filter(name=f"{site.name} 编辑").first()
        site.collection = Collection.objects.filter(depth=2, name=site.name).first()
        site.save(update_fields=["editors_group", "collection"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("registry", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="govsite",
            name="collection",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.collection",
                verbose_name="图片文档集",
            ),
        ),
        migrations.AddField(
            model_name="govsite",
            name="editors_group",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="auth.group",
                verbose_name="编辑组",
            ),
        ),
        migrations.AlterField(
            model_name="sitealias",
            name="domain",
            field=models.CharField(
                error_messages={"unique": "DOMAIN-5：该域名已被其他网站作为别名使用。"},
                max_length=253,
                unique=True,
                verbose_name="别名域名",
            ),
        ),
        migrations.AlterField(
            model_name="sitealias",
            name="site",
            field=modelcluster.fields.ParentalKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="aliases",
                to="registry.govsite",
                verbose_name="网站",
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
