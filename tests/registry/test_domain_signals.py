"""The registry announces what happened to a site; the portal builds the page tree.

The registry knows nothing of pages (issue 7): ``provision`` sends ``site_opened`` and
``jiyue.portal.provisioning`` answers with the home page and the Wagtail site. The
lifecycle announces renames and status changes (rule: SITE-6) with ``sender=GovSite``.
"""

from contextlib import contextmanager

from wagtail.models import GroupPagePermission, Site

from jiyue.portal import provisioning
from jiyue.portal.models import HomePage
from jiyue.registry import lifecycle, services, signals
from jiyue.registry.models import ApplicationKind, GovSite, SiteStatus

from .factories import complete_checklist
from .test_lifecycle import approve_all, reload


@contextmanager
def captured(signal):
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    signal.connect(receiver, sender=GovSite, weak=False, dispatch_uid="test-captured")
    try:
        yield calls
    finally:
        signal.disconnect(sender=GovSite, dispatch_uid="test-captured")


def test_opening_announces_site_opened_and_the_portal_builds_the_tree(tree, fgw_site):
    with captured(signals.site_opened) as calls:
        approve_all(
            lifecycle.submit_application(tree.fgw_staff, fgw_site, ApplicationKind.OPEN, "开设"),
            [tree.supervisor],
        )
    site = reload(fgw_site)
    assert [kwargs["gov_site"].pk for _sender, kwargs in calls] == [site.pk]
    wagtail_site = Site.objects.get(pk=site.wagtail_site_id)
    assert wagtail_site.hostname == "fgw.localhost"
    assert isinstance(wagtail_site.root_page.specific, HomePage)
    assert GroupPagePermission.objects.filter(
        group=site.editors_group, page=wagtail_site.root_page
    ).exists()


def test_without_the_portal_receiver_the_registry_builds_no_page(tree, fgw_site):
    """Proves the page tree is the portal's work, not the registry's."""
    signals.site_opened.disconnect(sender=GovSite, dispatch_uid="portal:build-site-tree")
    try:
        services.provision(fgw_site)
    finally:
        signals.site_opened.connect(
            provisioning.build_site_tree, sender=GovSite, dispatch_uid="portal:build-site-tree"
        )
    site = reload(fgw_site)
    assert site.wagtail_site_id is None
    assert site.collection_id is not None and site.editors_group_id is not None
    assert not HomePage.objects.exists()


def test_status_changes_and_rename_are_announced_SITE_6(tree, fgw_site):
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, fgw_site, ApplicationKind.OPEN, "开设"),
        [tree.supervisor],
    )
    complete_checklist(reload(fgw_site))
    with captured(signals.site_status_changed) as changes:
        lifecycle.go_live(tree.fgw_staff, fgw_site)
        with captured(signals.site_went_offline) as offline:
            approve_all(
                lifecycle.submit_application(
                    tree.fgw_staff, reload(fgw_site), ApplicationKind.OFFLINE, "维护"
                ),
                [tree.supervisor],
            )
    assert [(k["old_status"], k["new_status"]) for _s, k in changes] == [
        (SiteStatus.PREPARING, SiteStatus.ONLINE),
        (SiteStatus.ONLINE, SiteStatus.OFFLINE),
    ]
    assert [k["gov_site"].pk for _s, k in offline] == [fgw_site.pk]

    approve_all(
        lifecycle.submit_application(
            tree.fgw_staff, reload(fgw_site), ApplicationKind.RESTORE, "完成"
        ),
        [tree.supervisor],
    )
    new_name = "北京市发展和改革委员会门户网站"
    with captured(signals.site_renamed) as renames:
        approve_all(
            lifecycle.submit_application(
                tree.fgw_staff, reload(fgw_site), ApplicationKind.RENAME, "规范", new_name=new_name
            ),
            [tree.supervisor],
        )
    assert [(k["old_name"], k["gov_site"].name) for _s, k in renames] == [
        ("北京市发展和改革委员会网站", new_name)
    ]
