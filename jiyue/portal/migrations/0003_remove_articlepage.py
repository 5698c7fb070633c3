"""Remove ArticlePage: sites show only library content (rule: LIB-1).

Content pages are replaced by the library's resources, shown at ``/content/<id>/``.
Article pages are leaves of the tree, so their ``wagtailcore_page`` rows are deleted
first and their parents' child counts corrected; then the table goes.
"""

from django.db import migrations


def delete_article_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    content_type = ContentType.objects.filter(app_label="portal", model="articlepage").first()
    if content_type is None:
        return
    articles = Page.objects.filter(content_type=content_type)
    parent_paths = {path[:-4] for path in articles.values_list("path", flat=True)}
    articles.delete()
    for parent in Page.objects.filter(path__in=parent_paths):
        parent.numchild = Page.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1
        ).count()
        parent.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_remove_wagtail_welcome_site"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(delete_article_pages, migrations.RunPython.noop),
        migrations.DeleteModel(name="ArticlePage"),
    ]
