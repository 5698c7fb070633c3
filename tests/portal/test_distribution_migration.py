"""Moving distribution from the library to the portal keeps every row (issue 7).

``portal.0004`` / ``library.0003`` move only Django's state: the tables keep their
names, so placements, subscription rules (with their themes and organizations) and
column settings written under the old schema are read by the portal's models, and
the content types (which hold permissions and audit entries) are relabelled.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The registry is pinned too: its later columns (e.g. a NOT NULL credit code) do not
# exist in the historical models the test writes with.
BEFORE = [
    ("library", "0002_seed_themes"),
    ("portal", "0003_remove_articlepage"),
    ("registry", "0003_legacy_sites_exempt_from_site3"),
]
AFTER = [("library", "0003_move_distribution"), ("portal", "0004_move_distribution")]


def migrate(targets=None):
    """Migrate to ``targets``; without them, to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.flushes_database
@pytest.mark.django_db(transaction=True)
def test_rows_written_under_the_library_schema_are_the_portals_after_migrate():
    try:
        check_rows_survive_the_move()
    finally:
        migrate()  # leave the schema as the other tests expect: every app's latest


def check_rows_survive_the_move():
    old = migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="portal", model="placement").delete()
    ct, _ = ContentType.objects.get_or_create(app_label="library", model="placement")
    Page = old.get_model("wagtailcore", "Page")
    column = old.get_model("portal", "ColumnPage")
    Resource = old.get_model("library", "Resource")
    Theme = old.get_model("library", "Theme")
    Organization = old.get_model("registry", "Organization")
    GovSite = old.get_model("registry", "GovSite")
    root = Page.objects.get(depth=1)
    col = column.objects.create(
        title="政策文件",
        slug="policies-migration",
        path=root.path + "9ZZZ",
        depth=2,
        numchild=0,
        url_path="/policies-migration/",
        locale_id=root.locale_id,
        content_type=ContentType.objects.get_or_create(app_label="portal", model="columnpage")[0],
    )
    org = Organization.objects.create(name="迁移测试机构", org_type="department")
    site = GovSite.objects.create(
        name="迁移测试网站", organization=org, primary_domain="mig.beijing.gov.cn"
    )
    resource = Resource.objects.create(
        title="迁移测试信息", resource_type="news", source_org=org, owner_site=site
    )
    theme = Theme.objects.first()
    old.get_model("library", "Placement").objects.create(resource=resource, column=col)
    rule = old.get_model("library", "ColumnSubscription").objects.create(
        column=col, resource_types=["news"]
    )
    rule.themes.add(theme)
    rule.source_orgs.add(org)
    old.get_model("library", "ColumnDistributionSettings").objects.create(
        column=col, requires_acceptance=True
    )

    new = migrate(AFTER)
    placement = new.get_model("portal", "Placement").objects.get()
    assert (placement.resource_id, placement.column_id) == (resource.pk, col.pk)
    rule = new.get_model("portal", "ColumnSubscription").objects.get()
    assert list(rule.themes.values_list("pk", flat=True)) == [theme.pk]
    assert list(rule.source_orgs.values_list("pk", flat=True)) == [org.pk]
    assert new.get_model("portal", "ColumnDistributionSettings").objects.get().requires_acceptance
    ct = new.get_model("contenttypes", "ContentType").objects.get(pk=ct.pk)
    assert (ct.app_label, ct.model) == ("portal", "placement")

    # And back: the reverse migration gives the library its models and labels again.
    back = migrate(BEFORE)
    assert back.get_model("library", "Placement").objects.count() == 1
