"""Subscription rules have one definition (issue 7 item 4; rule: LIB-3).

A column's list (``resources_for_column``, the rule as SQL) and the question "which
columns show this resource" (``column_ids_showing``: detail pages, cache invalidation,
the rule tested on the resource) must give the same answer for every rule and
resource. There used to be two hand-written copies of the rule (``as_q`` and
``subscription_matches``); both are now derived from ``ColumnSubscription.criteria``
by ``distribution.Rule``. These tests compare the two questions over a matrix of
rules and resources, so a drift between ``Rule.q`` and ``Rule.matches`` fails here.
"""

from jiyue.library import services
from jiyue.library.models import ResourceType, ShareScope
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnSubscription

from .conftest import make_column


def _rules(city):
    """Columns of the district site, each with one rule, covering every criterion."""
    home = city.district_home
    specs = {
        "everything": {},
        "policies": {"resource_types": [ResourceType.POLICY]},
        "news_or_notice": {"resource_types": [ResourceType.NEWS, ResourceType.NOTICE]},
        "finance_theme": {"themes": [city.theme]},  # includes the sub-theme 财政
        "sub_theme_only": {"themes": [city.sub_theme]},
        "city_tree": {"source_orgs": [city.city]},  # include_sub_orgs: the whole tree
        "city_only": {"source_orgs": [city.city], "include_sub_orgs": False},
        "fgw_policies": {"source_orgs": [city.fgw], "resource_types": [ResourceType.POLICY]},
        "inactive": {"active": False},
    }
    columns = {}
    for n, (name, spec) in enumerate(specs.items()):
        column = make_column(home, f"订阅{n}", f"dy{n}")
        rule = ColumnSubscription.objects.create(
            column=column,
            name=name,
            resource_types=spec.get("resource_types", []),
            include_sub_orgs=spec.get("include_sub_orgs", True),
            active=spec.get("active", True),
        )
        rule.themes.set(spec.get("themes", []))
        rule.source_orgs.set(spec.get("source_orgs", []))
        columns[name] = column
    return columns


def _resources(city):
    return [
        city.published(title="财政政策", resource_type=ResourceType.POLICY, theme=city.sub_theme),
        city.published(title="财政动态", resource_type=ResourceType.NEWS, theme=city.theme),
        city.published(title="国防通知", resource_type=ResourceType.NOTICE, theme=city.other_theme),
        city.published(
            title="市政府政策",
            resource_type=ResourceType.POLICY,
            source_org=city.city,
            owner_site=city.portal,
        ),
        city.published(
            title="不共享的政策",
            resource_type=ResourceType.POLICY,
            theme=city.theme,
            share_scope=ShareScope.NONE,
        ),
    ]


def _listed(columns):
    return {
        name: set(portal.resources_for_column(column).values_list("pk", flat=True))
        for name, column in columns.items()
    }


def _showing(resource, columns):
    ids = portal.column_ids_showing(resource, among=[c.pk for c in columns.values()])
    return {name for name, column in columns.items() if column.pk in ids}


def test_rule_lists_and_columns_showing_agree_lib_3(city):
    """rule: LIB-3 — the list of every rule column and ``column_ids_showing`` agree."""
    columns = _rules(city)
    resources = _resources(city)
    listed = _listed(columns)
    for resource in resources:
        expected = {name for name, pks in listed.items() if resource.pk in pks}
        assert _showing(resource, columns) == expected, resource.title
    # The matrix is not trivial: each criterion includes some and excludes some.
    policy, news, notice, city_policy, unshared = resources
    assert _showing(policy, columns) == {
        "everything",
        "policies",
        "finance_theme",
        "sub_theme_only",
        "city_tree",
        "fgw_policies",
    }
    assert _showing(news, columns) == {"everything", "news_or_notice", "finance_theme", "city_tree"}
    assert _showing(city_policy, columns) == {"everything", "policies", "city_tree", "city_only"}
    assert _showing(unshared, columns) == set()  # share scope NONE: never by a rule
    assert "inactive" not in _showing(notice, columns)


def test_columns_showing_after_unpublish_matches_the_list_before_lib_3(city):
    """The pages to purge after an unpublish are those whose lists showed the resource."""
    columns = _rules(city)
    policy = city.published(
        title="将撤下的财政政策", resource_type=ResourceType.POLICY, theme=city.sub_theme
    )
    before = {name for name, pks in _listed(columns).items() if policy.pk in pks}
    services.unpublish(policy, user=city.superuser)
    assert all(policy.pk not in pks for pks in _listed(columns).values())
    assert _showing(policy, columns) == before
