"""Factories for registry tests: role groups, staff users, registered sites."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from jiyue.registry.models import (
    GovSite,
    Organization,
    SiteType,
    StaffMembership,
)

PASSWORD = "pw-测试-12345"

# Model permissions of the two admin roles; the scoped policies narrow them to the
# user's own records.
OWNER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("registry", "add_govsite"),
    ("registry", "change_govsite"),
    ("registry", "view_govsite"),
    ("registry", "view_organization"),
    ("registry", "add_siteapplication"),
    ("registry", "view_siteapplication"),
]
SUPERVISOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *(
        ("registry", f"{action}_{model}")
        for action in ("add", "change", "delete", "view")
        for model in ("govsite", "organization", "siteapplication")
    ),
    ("registry", "review_application"),
]


def permissions(pairs):
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in pairs
    ]


def role_group(name, pairs):
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(permissions(pairs))
    return group


@dataclass
class Tree:
    city: Organization
    office: Organization
    fgw: Organization
    haidian: Organization
    street: Organization
    haidian_edu: Organization
    supervisor: object
    fgw_staff: object
    fgw_reviewer: object
    haidian_staff: object
    haidian_reviewer: object
    street_staff: object
    haidian_edu_staff: object
    city_portal: GovSite
    haidian_portal: GovSite


def make_user(username, org, groups=(), perms=()):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=user, organization=org)
    user.groups.add(*groups)
    if perms:
        user.user_permissions.add(*permissions(perms))
    # A fresh object: permission caches must not outlive the changes above.
    return get_user_model().objects.get(pk=user.pk)


def register_site(org, name, domain, site_type=SiteType.DEPARTMENT, **fields):
    """Register a site as the admin does: validate the record (all rules), then save."""
    site = GovSite(
        name=name, organization=org, primary_domain=domain, site_type=site_type, **fields
    )
    site.full_clean()
    site.save()
    return site


def force_status(site, status):
    """Test set-up only: put a site in a status without the application it would need."""
    GovSite.objects.filter(pk=site.pk).update(status=status)
    site.refresh_from_db()
    return site


def complete_checklist(site):
    """Fill in the go-live checklist (rule: SITE-7)."""
    site.dzjg_mark = "bm110000000001"
    site.domain_registered = True
    site.icp_no = "京ICP备05060933号"
    site.psb_no = "京公网安备 11010502039127号"
    site.site_id_code = "1100000088"
    site.save()
    return site
