"""Fixtures for the library: a city with three sites, columns, users in review groups.

The city is built once per test module (``module_city``); each test gets a copy
(``city``) and runs in its own savepoint.
"""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page

from jiyue.library import services
from jiyue.library.models import ResourceType, Theme
from jiyue.library.workflow import EDITORS_GROUP, WORKFLOW_STEPS
from jiyue.portal.models import ColumnPage, ColumnType
from jiyue.registry.hosting import provision
from jiyue.registry.models import GovSite, Organization, OrgType, SiteType, StaffMembership
from tests.db import rolled_back


def make_column(parent, title, slug, column_type=ColumnType.POLICY):
    column = ColumnPage(
        title=title,
        slug=slug,
        description=f"{title}栏目",
        keywords=title,
        column_type=column_type,
    )
    parent.add_child(instance=column)
    column.save_revision().publish()
    return column


class City:
    """A small city: portal (city government), one district, one department."""

    def __init__(self, django_user_model):
        self.city = Organization.objects.create(
            name="北京市人民政府",
            org_type=OrgType.CITY_GOVERNMENT,
            division_code="110000",
        )
        self.office = Organization.objects.create(
            name="北京市人民政府办公厅",
            org_type=OrgType.GENERAL_OFFICE,
            parent=self.city,
            is_supervisor=True,
        )
        self.fgw = Organization.objects.create(
            name="北京市发展和改革委员会", org_type=OrgType.DEPARTMENT, parent=self.city
        )
        self.district = Organization.objects.create(
            name="北京市海淀区人民政府",
            org_type=OrgType.DISTRICT_GOVERNMENT,
            parent=self.city,
            division_code="110108",
        )
        self.portal = self._site("北京市人民政府门户网站", self.city, "www.beijing.gov.cn")
        self.fgw_site = self._site("北京市发展和改革委员会网站", self.fgw, "fgw.beijing.gov.cn")
        self.district_site = self._site(
            "北京市海淀区人民政府网站", self.district, "www.bjhd.gov.cn"
        )
        for site in (self.portal, self.fgw_site, self.district_site):
            provision(site)
            site.refresh_from_db()
        self.portal_home = self.portal.wagtail_site.root_page
        self.fgw_home = self.fgw_site.wagtail_site.root_page
        self.district_home = self.district_site.wagtail_site.root_page
        self.portal_policies = make_column(self.portal_home, "政策文件", "zcwj")
        self.fgw_policies = make_column(self.fgw_home, "政策文件", "zcwj")
        self.district_upper = make_column(self.district_home, "上级文件", "sjwj")
        self.district_news = make_column(
            self.district_home, "工作动态", "gzdt", column_type=ColumnType.NEWS
        )
        self.superuser = django_user_model.objects.create_superuser("admin", "a@x.cn", "pw")
        self.supervisor = self._user(django_user_model, "supervisor", self.office)
        self.fgw_editor = self._user(django_user_model, "fgw_editor", self.fgw, EDITORS_GROUP)
        self.district_editor = self._user(
            django_user_model, "hd_editor", self.district, EDITORS_GROUP
        )
        self.reviewers = {
            step: self._user(django_user_model, f"reviewer_{i}", self.fgw, step)
            for i, step in enumerate(WORKFLOW_STEPS)
        }
        self.theme = Theme.objects.get(name="财政、金融、审计")
        self.sub_theme = Theme.objects.get(name="财政")
        self.other_theme = Theme.objects.get(name="国防")

    def _site(self, name, org, domain):
        return GovSite.objects.create(
            name=name,
            site_type=SiteType.PORTAL if org.parent is None else SiteType.DEPARTMENT,
            organization=org,
            primary_domain=domain,
        )

    def _user(self, model, username, org, group=None):
        user = model.objects.create_user(username, f"{username}@x.cn", "pw")
        StaffMembership.objects.create(user=user, organization=org)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    def draft(self, title="关于促进经济发展的若干措施", resource_type=ResourceType.POLICY, **extra):
        fields = {
            "title": title,
            "summary": "摘要",
            "body": "<p>正文</p>",
            "resource_type": resource_type,
            "source_org": self.fgw,
            "owner_site": self.fgw_site,
        }
        fields.update(extra)
        return services.create_draft(user=self.fgw_editor, **fields)

    def published(self, title="已发布的信息", resource_type=ResourceType.NEWS, **extra):
        resource = self.draft(title=title, resource_type=resource_type, **extra)
        return services.publish_now(resource, user=self.superuser)


@pytest.fixture(scope="module")
def module_city(django_db_setup, django_db_blocker):
    """The city, built once per test module and rolled back when the module ends."""
    with rolled_back(django_db_blocker):
        yield City(get_user_model())


@pytest.fixture
def city(module_city, db):
    """A fresh copy of the module's city: the test's changes to the database are undone
    by its savepoint, and changes to these Python objects stay with the test."""
    return copy.deepcopy(module_city)


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()
