"""Keep each staff member's Wagtail groups equal to the sites they work for.

Isolation rests on native Wagtail permissions (see ``hosting.provision``): each site
has an editors' group (编辑组) whose page, collection and site-setting permissions
cover only that site. Here membership follows the registry: a staff member
(:class:`~jiyue.registry.models.StaffMembership`) is in exactly the editors'
groups of :func:`~jiyue.registry.services.sites_for_user`, and in no other site's.
A group left over from an earlier organization, a closed or merged site, or a
manual mistake is removed on the next sync (rule: PLATFORM-F4 权限管理).

A site's staff member is also taken out of any other group whose page, collection
or site-setting permissions reach beyond their own sites, such as Wagtail's stock
"Editors" and "Moderators" groups (permissions at the root of the tree). The scoped
permission policies already ignore such permissions, but workflow approval tasks
(GroupApprovalTask) grant review rights by group membership alone, so membership
itself must not cross sites.

Supervisors (主管单位) are not in any site's editors' group: they are in the
platform supervisors' group, whose permissions sit at the top of the page tree and
of the collection tree and so cover every site.

The sync runs whenever a membership, a site record or a user's groups change.
"""

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as audit_log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
)

from jiyue.portal import services as portal
from jiyue.registry.services import (
    COLLECTION_PERMISSIONS,
    GovSite,
    StaffMembership,
    editors_group,
    gov_sites,
    is_supervisor,
    organizations_in_scope,
    sites_for_user,
)

from .scope import Scope

SUPERVISORS_GROUP_NAME = "主管单位（全部网站）"
SYNC_ACTION = "jiyue.isolation.groups_synced"

# The supervisors hold on every site what a site's editors hold on their own: the
# editors' page permissions (portal) and media permissions (registry).
SUPERVISOR_PAGE_PERMISSIONS = portal.PAGE_PERMISSIONS
SUPERVISOR_COLLECTION_PERMISSIONS = COLLECTION_PERMISSIONS
# Model-wide permissions: they hold for every site's settings (GroupSitePermission
# is per site and would have to follow every new site).
SUPERVISOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("portal", "change_footersettings"),
    ("portal", "change_headersettings"),
]


class _SyncGuard(threading.local):
    """Set while the sync itself changes groups, so its own m2m signals are ignored."""

    active = False

    def __enter__(self):
        self.active = True

    def __exit__(self, *exc):
        self.active = False


_syncing = _SyncGuard()


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def supervisors_group():
    """The platform supervisors' group, created with its permissions on first use."""
    group, created = Group.objects.get_or_create(name=SUPERVISORS_GROUP_NAME)
    if created:
        group.permissions.add(*(_permission(a, c) for a, c in SUPERVISOR_MODEL_PERMISSIONS))
        root_page = Page.get_first_root_node()
        for codename in SUPERVISOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission("wagtailcore", codename)
            )
        root_collection = Collection.get_first_root_node()
        for app_label, codename in SUPERVISOR_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(app_label, codename),
            )
    return group


def editors_groups():
    """Every site's editors' group (the groups this module manages)."""
    groups = (editors_group(site) for site in gov_sites())
    return {group for group in groups if group is not None}


def wanted_groups(user):
    """The managed groups ``user`` should be in, according to the registry."""
    if is_supervisor(user):
        return {supervisors_group()}
    groups = (editors_group(site) for site in sites_for_user(user))
    return {group for group in groups if group is not None}


def groups_reaching_beyond(groups, scope):
    """Those of ``groups`` with a page, collection or site permission outside ``scope``."""
    ids = [g.pk for g in groups]
    beyond = set(
        GroupPagePermission.objects.filter(group_id__in=ids)
        .exclude(scope.page_q(prefix="page__"))
        .values_list("group_id", flat=True)
    )
    beyond |= set(
        GroupCollectionPermission.objects.filter(group_id__in=ids)
        .exclude(scope.collection_q(prefix="collection__"))
        .values_list("group_id", flat=True)
    )
    beyond |= set(
        GroupSitePermission.objects.filter(group_id__in=ids)
        .exclude(site_id__in=scope.site_ids)
        .values_list("group_id", flat=True)
    )
    return {g for g in groups if g.pk in beyond}


def sync_user_groups(user):
    """Put ``user`` in exactly the groups of their sites; return (added, removed).

    The user is reloaded so that cached permissions (which decide whether they are
    a supervisor) cannot make the answer stale.
    """
    user = get_user_model().objects.filter(pk=user.pk).first()
    if user is None:
        return set(), set()
    managed = editors_groups()
    wanted = wanted_groups(user)
    supervisors = Group.objects.filter(name=SUPERVISORS_GROUP_NAME).first()
    if supervisors is not None:
        managed.add(supervisors)
    current = set(user.groups.all())
    removed = (current & managed) - wanted
    if not is_supervisor(user):
        removed |= groups_reaching_beyond(current - wanted, Scope(sites_for_user(user)))
    added = wanted - current
    with _syncing:
        if removed:
            user.groups.remove(*removed)
        if added:
            user.groups.add(*added)
    if added or removed:
        audit_log(
            user,
            SYNC_ACTION,
            data={
                "added": sorted(g.name for g in added),
                "removed": sorted(g.name for g in removed),
            },
        )
    return added, removed


def sync_site_members(gov_site):
    """Re-sync everyone whose sites may have changed with ``gov_site``.

    That is the staff of the site's organization and of the organizations below it
    (units that publish through it, rule: SITE-4), and whoever is in its editors'
    group now.
    """
    users = set(
        StaffMembership.objects.filter(
            organization__in=organizations_in_scope(gov_site.organization)
        ).values_list("user_id", flat=True)
    )
    group = editors_group(gov_site)
    if group is not None:
        users.update(group.user_set.values_list("pk", flat=True))
    user_model = get_user_model()
    for user in user_model.objects.filter(pk__in=users):
        sync_user_groups(user)


@receiver(post_save, sender=StaffMembership, dispatch_uid="jiyue_isolation_membership_saved")
@receiver(post_delete, sender=StaffMembership, dispatch_uid="jiyue_isolation_membership_deleted")
def membership_changed(sender, instance, **kwargs):
    # By id: on a cascade from deleting the user, the user object may be half gone.
    sync_user_groups(get_user_model()(pk=instance.user_id))


@receiver(
    m2m_changed, sender=get_user_model().groups.through, dispatch_uid="jiyue_isolation_groups"
)
def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Someone put a staff member in a group (e.g. in the Wagtail users admin): re-check."""
    if action not in ("post_add", "post_remove", "post_clear") or _syncing.active:
        return
    user_model = get_user_model()
    if reverse:  # group.user_set changed: ``pk_set`` holds user ids
        user_ids = pk_set or []
    else:
        user_ids = [instance.pk]
    members = StaffMembership.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    for user_id in members:
        sync_user_groups(user_model(pk=user_id))


@receiver(post_save, sender=GovSite, dispatch_uid="jiyue_isolation_site_saved")
def site_saved(sender, instance, raw=False, **kwargs):
    """A site was opened, closed, merged or renamed: its staff's groups may change.

    ``provision`` creates the editors' group after it saves the record, inside one
    transaction, so the sync runs again once that transaction commits.
    """
    if raw:
        return
    if instance.wagtail_site_id is None and instance.editors_group_id is None:
        # An inventory record or a planned site: no editors' group exists whose
        # membership could change (this keeps bulk inventory imports cheap).
        return
    sync_site_members(instance)
    site_pk = instance.pk
    transaction.on_commit(lambda: _sync_site_by_pk(site_pk))


def _sync_site_by_pk(site_pk):
    gov_site = gov_sites(pk=site_pk).select_related("organization").first()
    if gov_site is not None:
        sync_site_members(gov_site)


class GroupsSyncedFormatter(LogFormatter):
    label = _("同步网站编辑组")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("加入：%(added)s；移出：%(removed)s") % {
            "added": "、".join(data.get("added", [])) or "—",
            "removed": "、".join(data.get("removed", [])) or "—",
        }


@hooks.register("register_log_actions")
def register_sync_action(actions):
    actions.register_action(SYNC_ACTION)(GroupsSyncedFormatter)
