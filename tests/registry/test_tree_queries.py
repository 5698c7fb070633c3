"""Organization and theme trees are walked with one recursive query (issue 7, item 4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiyue.library.models import Theme
from jiyue.registry.models import Organization, OrgType
from jiyue.registry.services import organizations_in_scope


def org(name, org_type, parent=None):
    return Organization.objects.create(name=name, org_type=org_type, parent=parent)


@pytest.mark.django_db
def test_organizations_in_scope_is_the_subtree_in_one_query():
    city = org("北京市人民政府", OrgType.CITY_GOVERNMENT)
    district = org("北京市海淀区人民政府", OrgType.DISTRICT_GOVERNMENT, city)
    bureau = org("北京市海淀区教育委员会", OrgType.DISTRICT_DEPARTMENT, district)
    town = org("北京市海淀区海淀街道办事处", OrgType.TOWN_STREET, district)
    school = org("北京市海淀区某学校", OrgType.UNIT, bureau)
    org("北京市朝阳区人民政府", OrgType.DISTRICT_GOVERNMENT, city)
    with CaptureQueriesContext(connection) as queries:
        ids = set(organizations_in_scope(district).values_list("pk", flat=True))
    assert ids == {district.pk, bureau.pk, town.pk, school.pk}
    assert len(queries) == 1
    assert set(organizations_in_scope(school).values_list("pk", flat=True)) == {school.pk}


@pytest.mark.django_db
def test_theme_descendants_in_one_query():
    root = Theme.objects.create(code="T-ROOT", name="根")
    child = Theme.objects.create(code="T-CHILD", name="子", parent=root)
    grandchild = Theme.objects.create(code="T-GRAND", name="孙", parent=child)
    Theme.objects.create(code="T-OTHER", name="别")
    with CaptureQueriesContext(connection) as queries:
        ids = root.descendant_ids()
    assert ids == {root.pk, child.pk, grandchild.pk}
    assert len(queries) == 1
