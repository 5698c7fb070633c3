"""Remove the placeholder site and welcome page Wagtail creates on first migrate.

Jiyue serves only registered government sites; the platform host (localhost)
shows the site directory instead of Wagtail's welcome page.
"""

from django.db import migrations


def remove_welcome(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page")
    Site.objects.filter(root_page__in=welcome).delete()
    for page in welcome:
        if page.numchild == 0:
            page.delete()
            root = Page.objects.get(depth=1)
            root.numchild = Page.objects.filter(depth=2).count()
            root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(remove_welcome, migrations.RunPython.noop)]
