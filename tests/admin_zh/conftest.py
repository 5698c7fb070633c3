"""A small city like the demo's, with something on every admin screen.

The library's city (three sites, columns, the fgw editor and the four reviewers) plus
what the screens list: a published policy, a policy in review, a draft
interpretation, the supervisor in the demo's supervisor group. Built once per module.
"""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from jiyue.demo import city as demo_city
from jiyue.library.models import ResourceType
from tests.db import rolled_back
from tests.library.conftest import City


class AdminCity(City):
    def __init__(self, django_user_model):
        super().__init__(django_user_model)
        group, _created = Group.objects.get_or_create(name=demo_city.SUPERVISOR_GROUP)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in demo_city.SUPERVISOR_PERMISSIONS
            )
        )
        self.supervisor.groups.add(group)
        self.live_policy = self.published(
            title="关于印发促进民营经济发展若干措施的通知", resource_type=ResourceType.POLICY
        )
        self.in_review = self.draft(title="关于进一步优化营商环境的实施意见")
        self.in_review.get_workflow().start(self.in_review, self.fgw_editor)
        self.interpretation = self.draft(
            title="《关于印发促进民营经济发展若干措施的通知》解读",
            resource_type=ResourceType.INTERPRETATION,
            policy=self.live_policy,
        )


@pytest.fixture(scope="module")
def module_admin_city(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield AdminCity(get_user_model())


@pytest.fixture
def admin_city(module_admin_city, db):
    return copy.deepcopy(module_admin_city)
