"""An organization tree of Beijing, its staff and helpers to register sites.

北京市人民政府 (city government, 110000)
├── 北京市人民政府办公厅 (general office, the supervisor 主管单位)
├── 北京市发展和改革委员会 (department)
└── 北京市海淀区人民政府 (district government, 110108)
    ├── 海淀区某街道 (town/street)
    └── 北京市海淀区教育委员会 (district department)

Users: one staff member per organization (with the site-owner role), a reviewer in
海淀区 and one in 发改委 (both with ``registry.review_application``), a supervisor.
"""

import copy

import pytest

from jiyue.registry.models import Organization, OrgType, SiteStatus, SiteType
from tests.db import rolled_back

from .factories import (
    OWNER_PERMISSIONS,
    SUPERVISOR_PERMISSIONS,
    Tree,
    force_status,
    make_user,
    register_site,
    role_group,
)


@pytest.fixture(scope="module")
def module_tree(django_db_setup, django_db_blocker):
    """The tree, built once per test module and rolled back when the module ends."""
    with rolled_back(django_db_blocker):
        yield build_tree()


@pytest.fixture
def tree(module_tree, db):
    """A fresh copy of the module's tree: the test's changes to the database are undone
    by its savepoint, and changes to these Python objects stay with the test."""
    return copy.deepcopy(module_tree)


def build_tree():
    org = Organization.objects.create
    city = org(name="北京市人民政府", org_type=OrgType.CITY_GOVERNMENT, division_code="110000")
    office = org(
        name="北京市人民政府办公厅",
        org_type=OrgType.GENERAL_OFFICE,
        parent=city,
        is_supervisor=True,
    )
    fgw = org(name="北京市发展和改革委员会", org_type=OrgType.DEPARTMENT, parent=city)
    haidian = org(
        name="北京市海淀区人民政府",
        org_type=OrgType.DISTRICT_GOVERNMENT,
        parent=city,
        division_code="110108",
    )
    street = org(name="海淀区某街道", org_type=OrgType.TOWN_STREET, parent=haidian)
    haidian_edu = org(
        name="北京市海淀区教育委员会", org_type=OrgType.DISTRICT_DEPARTMENT, parent=haidian
    )

    owners = role_group("测试：网站主办单位", OWNER_PERMISSIONS)
    supervisors = role_group("测试：主管单位", SUPERVISOR_PERMISSIONS)
    review = [("registry", "review_application")]

    city_portal = register_site(
        city, "北京市人民政府门户网站", "www.beijing.gov.cn", site_type=SiteType.PORTAL
    )
    haidian_portal = register_site(
        haidian, "北京市海淀区人民政府网站", "www.bjhd.gov.cn", site_type=SiteType.PORTAL
    )
    for site in (city_portal, haidian_portal):
        force_status(site, SiteStatus.ONLINE)

    return Tree(
        city=city,
        office=office,
        fgw=fgw,
        haidian=haidian,
        street=street,
        haidian_edu=haidian_edu,
        supervisor=make_user("supervisor", office, [supervisors]),
        fgw_staff=make_user("fgw_staff", fgw, [owners]),
        fgw_reviewer=make_user("fgw_reviewer", fgw, [owners], review),
        haidian_staff=make_user("haidian_staff", haidian, [owners]),
        haidian_reviewer=make_user("haidian_reviewer", haidian, [owners], review),
        street_staff=make_user("street_staff", street, [owners]),
        haidian_edu_staff=make_user("haidian_edu_staff", haidian_edu, [owners]),
        city_portal=city_portal,
        haidian_portal=haidian_portal,
    )


@pytest.fixture
def fgw_site(tree):
    """The Development and Reform Commission's site, registered and still PLANNED."""
    return register_site(tree.fgw, "北京市发展和改革委员会网站", "fgw.beijing.gov.cn")


@pytest.fixture
def street_special_site(tree):
    """A special-topic site (专项网站) of a street: allowed despite rule SITE-4."""
    return register_site(
        tree.street,
        "海淀区某街道疫情防控专项网站",
        "jd.bjhd.gov.cn",
        site_type=SiteType.SPECIAL,
    )
