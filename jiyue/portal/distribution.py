"""Distribution: which columns of which sites show a resource (rule: LIB-3).

A resource is never copied. It is shown in a column by

- an explicit :class:`Placement` by an editor of the column's site,
- a :class:`ColumnSubscription` rule of the column, evaluated at query time,
- a push by the supervisor (placements with ``via=push``), pending the receiving
  site's acceptance where the column requires it.

Column lists are derived from live state at query time (:func:`resources_for_column`),
so unpublishing a resource, revoking a placement or deleting a rule removes it from
every site at once, with nothing to clean up.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from jiyue.library.services import Resource, ShareScope
from jiyue.registry import services as registry

from .models import (
    ColumnDistributionSettings,
    ColumnPage,
    ColumnSubscription,
    ColumnType,
    Placement,
    PlacementState,
    PlacementVia,
)


def gov_site_of_column(column):
    """The registry record of the site whose page tree holds ``column``."""

    site = column.get_site()
    if site is None:
        return None
    return registry.gov_sites().filter(wagtail_site=site).first()


def user_manages_column(user, column):
    """Whether ``user`` edits the site that holds ``column`` (or is a supervisor)."""
    gov_site = gov_site_of_column(column)
    return gov_site is not None and registry.sites_for_user(user).filter(pk=gov_site.pk).exists()


def _require_column_access(user, column):
    if not user_manages_column(user, column):
        raise PermissionDenied(_("只能在本网站的栏目中放置或接收信息。"))


def _log(instance, action, user, **data):
    log(instance=instance, action=action, user=user, data=data or None)


# --- Explicit placement ------------------------------------------------------------------


@transaction.atomic
def place(resource, column, user):
    """Place ``resource`` in ``column`` of the user's own site (active at once)."""
    _require_column_access(user, column)
    placement, created = Placement.objects.get_or_create(
        resource=resource,
        column=column,
        defaults={
            "state": PlacementState.ACTIVE,
            "via": PlacementVia.EXPLICIT,
            "created_by": user,
        },
    )
    if not created and placement.state != PlacementState.ACTIVE:
        placement.state = PlacementState.ACTIVE
        placement.decided_by = user
        placement.decided_at = timezone.now()
        placement.save(update_fields=["state", "decided_by", "decided_at"])
    _log(resource, "library.placement.create", user, column=column.pk, title=column.title)
    return placement


@transaction.atomic
def remove_placement(placement, user):
    """Revoke a placement (editors of the column's site or supervisors)."""
    if not registry.is_supervisor(user):
        _require_column_access(user, placement.column)
    _log(
        placement.resource,
        "library.placement.delete",
        user,
        column=placement.column_id,
        state=placement.state,
    )
    placement.delete()


# --- Push -----------------------------------------------------------------------------------


def column_requires_acceptance(column):
    return ColumnDistributionSettings.objects.filter(
        column=column, requires_acceptance=True
    ).exists()


@transaction.atomic
def push(resource, columns, user):
    """Push ``resource`` from the supervisor into many columns at once.

    Columns that require acceptance get a ``pending`` placement, the others an
    ``active`` one. Returns the placements.
    """
    if not registry.is_supervisor(user):
        raise PermissionDenied(_("只有主管单位可以向多个网站推送信息。"))
    columns = list(columns)
    needs_acceptance = set(
        ColumnDistributionSettings.objects.filter(
            column__in=columns, requires_acceptance=True
        ).values_list("column_id", flat=True)
    )
    placements = []
    for column in columns:
        state = PlacementState.PENDING if column.pk in needs_acceptance else PlacementState.ACTIVE
        placement, created = Placement.objects.get_or_create(
            resource=resource,
            column=column,
            defaults={"state": state, "via": PlacementVia.PUSH, "created_by": user},
        )
        if not created and placement.state == PlacementState.REJECTED:
            placement.state = state
            placement.via = PlacementVia.PUSH
            placement.created_by = user
            placement.decided_by = None
            placement.decided_at = None
            placement.save()
        placements.append(placement)
    _log(
        resource,
        "library.push",
        user,
        columns=[c.pk for c in columns],
        pending=sorted(needs_acceptance),
    )
    return placements


def _decide(placement, user, state, action):
    _require_column_access(user, placement.column)
    if placement.state != PlacementState.PENDING:
        raise ValidationError(_("该推送已处理，不能重复接收或拒收。"))
    placement.state = state
    placement.decided_by = user
    placement.decided_at = timezone.now()
    placement.save(update_fields=["state", "decided_by", "decided_at"])
    _log(placement.resource, action, user, column=placement.column_id)
    return placement


@transaction.atomic
def accept(placement, user):
    """The receiving site's editor accepts a pushed resource into their column."""
    return _decide(placement, user, PlacementState.ACTIVE, "library.placement.accept")


@transaction.atomic
def reject(placement, user):
    """The receiving site's editor declines a pushed resource."""
    return _decide(placement, user, PlacementState.REJECTED, "library.placement.reject")


def pending_placements_for_user(user):
    """Pushed resources awaiting acceptance in the columns of the user's sites."""
    roots = [
        s.wagtail_site.root_page
        for s in registry.sites_for_user(user).select_related("wagtail_site__root_page")
        if s.wagtail_site_id
    ]
    if not roots:
        return Placement.objects.none()
    path_q = Q()
    for root in roots:
        path_q |= Q(column__path__startswith=root.path)
    return (
        Placement.objects.filter(state=PlacementState.PENDING)
        .filter(path_q)
        .select_related("resource", "column")
    )


# --- Listings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A subscription rule's one definition, evaluated in SQL or on one resource.

    ``include``: ``[(field, allowed values)]`` from :meth:`ColumnSubscription.criteria`;
    a rule never shows a resource its owner does not share (``share_scope`` none,
    rule: LIB-5). Column lists use :meth:`q`; "which columns show this resource"
    (detail pages, cache invalidation, on the instance as it is in memory: the
    version before a change too) uses :meth:`matches`. Both read the same criteria,
    so they cannot disagree (issue 7: there were two hand-written copies).
    """

    include: tuple
    exclude: tuple = (("share_scope", frozenset({ShareScope.NONE})),)

    @classmethod
    def of(cls, sub, scopes=None):
        """``scopes``: see :meth:`ColumnSubscription.criteria` (shared over a loop)."""
        return cls(include=tuple(sub.criteria(scopes)))

    def q(self):
        q = Q()
        for name, values in self.include:
            q &= Q(**{f"{name}__in": sorted(values)})
        for name, values in self.exclude:
            q &= ~Q(**{f"{name}__in": sorted(values)})
        return q

    def matches(self, resource):
        return all(getattr(resource, name) in values for name, values in self.include) and not any(
            getattr(resource, name) in values for name, values in self.exclude
        )


def rule_filter(sub, scopes=None):
    """The :class:`Rule` of a (prefetched) subscription rule."""
    return Rule.of(sub, scopes)


def _subscription_q(column, subs=None, rule_filters=None):
    if rule_filters is not None:
        return _any(rule_filters)
    if subs is None:
        subs = list(
            ColumnSubscription.objects.filter(column=column, active=True).prefetch_related(
                "themes", "source_orgs"
            )
        )
    scopes = {}
    return _any([Rule.of(sub, scopes) for sub in subs])


def resources_for_column(column, subs=None, rule_filters=None):
    """Live resources shown in ``column``, newest first (pub_date desc, pk desc).

    Active placements ∪ subscription matches; drafts, scheduled, expired and
    unpublished resources are never included — the filter reads only the live
    row, never draft revisions. The resource list itself is one query. ``subs``: the
    column's active subscription rules when the caller already has them;
    ``rule_filters``: their :func:`rule_filter` (from the cached site chrome).
    """
    placed = Placement.objects.filter(column=column, state=PlacementState.ACTIVE).values(
        "resource_id"
    )
    rules_q = _subscription_q(column, subs, rule_filters)
    resources = Resource.objects.live()
    if rules_q != Q(pk__in=[]):
        # Django writes ``live=True`` as a bare ``"live"``; SQLite walks the (live,
        # pub_date, id) index in the newest-first order only given an equality on
        # ``live``. A column with rules otherwise sorted every match (85 ms for the
        # city's 14,000 policies on the 100-site bench platform; 0.2 ms this way).
        # Placement-only columns keep the placement index (a column of 200 items).
        resources = resources.filter(live__in=[True])
    return (
        resources.filter(Q(pk__in=placed) | rules_q)
        .select_related("source_org", "owner_site")
        .order_by("-pub_date", "-pk")
    )


def rule_filters_of_columns(column_ids):
    """``{column id: [rule_filter of each active rule]}`` of the columns (a few queries).

    The site chrome keeps this per site (:mod:`jiyue.portal.site_context`), so pages
    evaluate the rules without reading them; it is rebuilt when a rule, a theme or an
    organization changes (:mod:`jiyue.portal.signals`).
    """
    filters, scopes = {}, {}
    rules = ColumnSubscription.objects.filter(column__in=list(column_ids), active=True)
    for sub in rules.prefetch_related("themes", "source_orgs").order_by("pk"):
        filters.setdefault(sub.column_id, []).append(rule_filter(sub, scopes))
    return filters


def resources_for_columns(columns, rule_filters=None):
    """``{column pk: resources_for_column(column)}`` with every rule read in one query.

    For pages that list several columns (a home page): the subscription rules of all
    columns are read at once instead of one query (and two prefetches) per column.
    """
    if rule_filters is None:
        rule_filters = rule_filters_of_columns([column.pk for column in columns])
    return {
        column.pk: resources_for_column(column, rule_filters=rule_filters.get(column.pk, []))
        for column in columns
    }


def matching_rules(resource, subs):
    """The (prefetched) rules of ``subs`` that match ``resource`` (see :class:`Rule`)."""
    scopes = {}
    return [sub for sub in subs if Rule.of(sub, scopes).matches(resource)]


def first_column_showing(resource, columns, rule_filters):
    """The first of ``columns`` (in their order) that shows ``resource``, or None.

    ``columns`` are one site's live columns in the order a detail page prefers them,
    ``rule_filters`` their rules' filters (the cached chrome's). Placements are read in
    one query; the rule columns that come before the first placed column are
    evaluated on the resource (:meth:`Rule.matches`, no query).
    """
    ids = [c.pk for c in columns]
    placed = set(
        Placement.objects.filter(
            resource=resource, state=PlacementState.ACTIVE, column_id__in=ids
        ).values_list("column_id", flat=True)
    )
    for column in columns:
        if column.pk in placed:
            return column
        if any(rule.matches(resource) for rule in rule_filters.get(column.pk, ())):
            return column
    return None


def _any(rules):
    q = Q(pk__in=[])
    for rule in rules:
        q |= rule.q()
    return q


def column_ids_showing(resource, among=None, rule_filters=None):
    """Ids of the columns that show ``resource`` while it is live (see columns_showing).

    ``among`` (column ids, e.g. one site's) limits the placements and rules read to
    those columns, so a detail page does not evaluate every rule of the platform.
    ``rule_filters``: ``{column id: [rule filter]}`` of the ``among`` columns when the
    caller has them (the cached site chrome): the rules are then not read.
    """
    placements = Placement.objects.filter(resource=resource, state=PlacementState.ACTIVE)
    if rule_filters is not None and among is not None:
        among = set(among)
        ids = set(placements.filter(column_id__in=among).values_list("column_id", flat=True))
        for column_id, rules in rule_filters.items():
            if column_id in among and any(rule.matches(resource) for rule in rules):
                ids.add(column_id)
        return ids
    subs = ColumnSubscription.objects.filter(active=True)
    if among is not None:
        among = list(among)
        placements = placements.filter(column_id__in=among)
        subs = subs.filter(column_id__in=among)
    ids = set(placements.values_list("column_id", flat=True))
    subs = subs.exclude(column_id__in=ids).prefetch_related("themes", "source_orgs")
    ids.update(sub.column_id for sub in matching_rules(resource, subs))
    return ids


def columns_showing(resource):
    """Every column that shows ``resource`` while it is live (for cache invalidation).

    Independent of the resource's current live state, so it can be called after an
    unpublish to find the pages to purge. Returns a ColumnPage queryset.
    """

    return ColumnPage.objects.filter(pk__in=column_ids_showing(resource))


def sites_showing(resource):
    """The registry records of every site that shows ``resource``."""

    sites = {c.get_site() for c in columns_showing(resource)}
    return registry.gov_sites().filter(wagtail_site__in=[s for s in sites if s is not None])


# --- Default placement on the owner site (发布栏目) -------------------------------------------
# Which column of a site takes which resource type, by the column's ColumnType (rule:
# META-6): a new resource lands in the first matching column of its owner site (所属网站)
# unless the editor picks others in the resource form (issue 8).

RESOURCE_COLUMN_TYPES = {
    "news": [ColumnType.NEWS],
    "notice": [ColumnType.NEWS],
    "policy": [ColumnType.POLICY],
    "interpretation": [ColumnType.INTERPRETATION],
    "response": [ColumnType.RESPONSE, ColumnType.INTERPRETATION],
    "data_release": [ColumnType.DATA_RELEASE],
    "service_guide": [ColumnType.SERVICE],
    "topic": [ColumnType.OTHER],
}


def site_home(gov_site):
    """The home page (page-tree root) of a hosted site, or None."""
    if gov_site is None or not gov_site.wagtail_site_id:
        return None
    return gov_site.wagtail_site.root_page


def live_columns_of_site(gov_site):
    """The live columns of ``gov_site`` in tree order (none for a site not hosted)."""
    home = site_home(gov_site)
    if home is None:
        return ColumnPage.objects.none()
    return ColumnPage.objects.descendant_of(home).live().order_by("path")


def default_column(gov_site, resource_type):
    """The column of ``gov_site`` a new resource of ``resource_type`` lands in, or None.

    The first live column, in tree order, whose ColumnType takes the type (the
    grouping column before its sub-columns, so the item also shows on the home page);
    a notice (通知公告) prefers a column inspected as 通知公告 (META-8).
    """
    wanted = RESOURCE_COLUMN_TYPES.get(resource_type)
    if not wanted:
        return None
    columns = live_columns_of_site(gov_site).filter(column_type__in=wanted)
    if resource_type == "notice":
        notice = columns.filter(inspection_class="notice").first()
        if notice is not None:
            return notice
    for column_type in wanted:
        column = columns.filter(column_type=column_type).first()
        if column is not None:
            return column
    return None


@transaction.atomic
def set_placements(resource, columns, user, among):
    """Make ``resource`` placed in exactly ``columns`` among the columns ``among``.

    ``among`` are the columns the user chose from (their own site's): active
    placements there that are not chosen any more are revoked, chosen columns are
    placed through :func:`place` (which checks the user's site and writes the audit
    log). Placements in other columns, and pending pushes, are left alone.
    """
    chosen = {column.pk: column for column in columns}
    among_ids = {column.pk for column in among}
    current = Placement.objects.filter(
        resource=resource, column_id__in=among_ids, state=PlacementState.ACTIVE
    ).select_related("column", "resource")
    current_ids = set()
    for placement in current:
        current_ids.add(placement.column_id)
        if placement.column_id not in chosen:
            remove_placement(placement, user)
    for pk, column in chosen.items():
        if pk not in current_ids:
            place(resource, column, user)


def columns_requiring_acceptance(columns):
    """Ids of ``columns`` (pages or ids) whose pushes wait for the site's acceptance
    (推送须经本站接收)."""
    wanted = {getattr(column, "pk", column) for column in columns}
    marked = ColumnDistributionSettings.objects.filter(requires_acceptance=True)
    return set(marked.values_list("column_id", flat=True)) & wanted


def pending_count_for_user(user):
    """How many pushes wait for ``user``'s acceptance (menu badge, dashboard panel).

    Asked on every admin page: a supervisor (every site) counts all pending rows
    instead of OR-ing one path prefix per site.
    """
    if registry.is_supervisor(user):
        return Placement.objects.filter(state=PlacementState.PENDING).count()
    return pending_placements_for_user(user).count()
