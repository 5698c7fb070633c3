"""The supervisor's push screen as a tree, pending counts, columns needing acceptance
(issue 8 item 4; rule: LIB-3)."""

import json
import re
from collections import Counter

from django.urls import reverse

from jiyue.portal.models import ColumnDistributionSettings, Placement, PlacementState
from jiyue.registry.models import Organization, OrgType

from .conftest import make_column


def distribution_url(resource):
    return reverse("portal_admin:distribution", args=[resource.pk])


def test_push_screen_is_a_tree_with_unique_ids_and_select_all_per_group_lib_3(city, client):
    news = city.published(title="全市重要部署")
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    # A district department's site sits under its district in the tree.
    dept = Organization.objects.create(
        name="北京市海淀区发展和改革委员会",
        org_type=OrgType.DISTRICT_DEPARTMENT,
        parent=city.district,
    )
    client.force_login(city.supervisor)
    html = client.get(distribution_url(news)).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    tree = html.split("data-push-tree", 1)[1]
    # Levels: 市级 first, then the district; types inside; sites inside.
    assert tree.index("市级") < tree.index("北京市海淀区人民政府<")
    assert "区人民政府（1）" in tree and "市级部门（1）" in tree
    assert tree.count("data-select-all") >= 2 + 3 + 3  # levels, types, sites
    assert 'name="push-columns"' in tree
    assert f'id="push-column-{city.district_news.pk}"' in tree
    # The column needing acceptance is marked (须接收), the others are not.
    item = tree.split(f'id="push-column-{city.district_news.pk}"', 1)[1].split("</li>", 1)[0]
    assert "须接收" in item
    other = tree.split(f'id="push-column-{city.fgw_policies.pk}"', 1)[1].split("</li>", 1)[0]
    assert "须接收" not in other
    assert "portal/admin/push_tree.js" in html
    # One list for the supervisor: the push tree covers every site's columns.
    assert 'value="place"' not in html
    assert "<script>" not in html.split("data-push-tree", 1)[1].split("</form>", 1)[0]
    assert dept.pk  # an organization without a site adds no empty group
    assert "北京市海淀区发展和改革委员会" not in tree


def test_push_through_the_tree_form(city, client):
    news = city.published(title="全市重要部署")
    client.force_login(city.supervisor)
    response = client.post(
        distribution_url(news),
        {"action": "push", "push-columns": [city.district_news.pk, city.fgw_policies.pk]},
    )
    assert response.status_code == 302
    assert set(Placement.objects.filter(resource=news).values_list("column_id", flat=True)) == {
        city.district_news.pk,
        city.fgw_policies.pk,
    }


def test_pending_count_on_the_menu_and_the_editors_dashboard(city, client):
    news = city.published(title="推送信息")
    other = city.published(title="另一条推送")
    for resource in (news, other):
        Placement.objects.create(
            resource=resource, column=city.district_news, state=PlacementState.PENDING
        )
    client.force_login(city.district_editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar menu is JSON in the page (non-ASCII escaped).
    assert json.dumps("待接收（2）")[1:-1] in html
    assert "有 2 条主管单位推送的信息待本站接收" in html
    client.force_login(city.supervisor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert json.dumps("待接收（2）")[1:-1] in html
    client.force_login(city.fgw_editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert json.dumps("待接收（")[1:-1] not in html
    assert "没有待接收的推送" in html


def test_columns_requiring_acceptance_are_listed_for_the_supervisor(city, client):
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    make_column(city.district_home, "通知公告", "tzgg")
    # (The fixture's supervisor holds no snippet permissions; the push tree above marks
    # the same columns for them.)
    client.force_login(city.superuser)
    url = reverse("wagtailsnippets_portal_columndistributionsettings:list")
    html = client.get(url, {"requires_acceptance": "true"}).content.decode()
    assert city.district_news.title in html
    assert "通知公告" not in html
