"""Build the demo city: organizations, users, sites opened by application, columns, content.

Content goes through the resource library ("ingest first, then use", rule: LIB-1):
each item becomes a library resource created as a draft with a revision and published
through ``Resource.publish`` (so index numbers and the interpretation rule apply),
then shown by explicit placement in the site's columns, by the district sites'
"上级文件" subscription rule and by one supervisor push (rule: LIB-3).

Older information arrives as it does on a real site, by bulk import into the library
(``import_lines``, as ``import_resources`` does): several years of each site's own
items, written from templates in the site's voice (:mod:`jiyue.demo.history`), and the
reposts (转载) of real documents from ``../shared/data``, which keep their real issuer
(``issuing_organ``, shown as 来源) and original address (``source_url``, 原文链接) and
are listed only in 上级文件 (State Council and ministries) or 外省市政策 (other
provinces), never in a Beijing organization's own columns (rule: PUB-4; issue 8 item
13). Reposts are 不予共享, so no subscription rule shows them elsewhere.

Sites are registered through the registry's rules (``full_clean``) and opened the
way a real site is (rule: SITE-6, SITE-7): the site's own editor applies to open it,
each level of the review chain approves, the approval provisions the hosting
(Wagtail site, home page, collection, editors' group) and the editor puts the site
online once its checklist is complete. Nothing writes ``GovSite.status`` directly.

Loading is idempotent: when the portal's registry record exists the city is already
there and nothing is created (:func:`is_loaded`).
"""

import datetime
import json
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.signal_handlers import disable_reference_index_auto_update

from jiyue.library import services as library
from jiyue.library.services import (
    GuideItemType,
    GuideScope,
    ResourceType,
    ShareScope,
    Validity,
)
from jiyue.portal import services as distribution
from jiyue.portal.services import (
    ColumnPage,
    ColumnSubscription,
    FooterSettings,
    HeaderSettings,
    HomePage,
    Placement,
    PlacementState,
    PlacementVia,
)
from jiyue.registry import services as registry

from . import builtin, city, history
from .sources import BEIJING, Item, SharedData

# How much of the shared data each site shows.
POLICIES_PER_SITE = 12
REPOSTS_PER_SITE = 40
PORTAL_REPOSTS = 60
# Columns of reposted documents (转载): listed only in their own column, never in the
# grouping column above, which holds the organization's own documents.
REPOST_COLUMNS = ("upper_documents", "other_regions", "work_reports")
INTERPRETATIONS_PER_SITE = 3
INTERPRETATION_WORDS = ("一图读懂", "图解", "解读", "问答")

# The library resource type of each column's items.
COLUMN_RESOURCE_TYPE = {
    "news": ResourceType.NEWS,
    "notices": ResourceType.NOTICE,
    "policy": ResourceType.POLICY,
    "work_reports": ResourceType.POLICY,
    "upper_documents": ResourceType.POLICY,
    "other_regions": ResourceType.POLICY,
    "interpretation": ResourceType.INTERPRETATION,
    "response": ResourceType.RESPONSE,
    "consult": ResourceType.RESPONSE,
    "solicitation": ResourceType.NOTICE,
    "interview": ResourceType.RESPONSE,
    "data_release": ResourceType.DATA_RELEASE,
    "open_data": ResourceType.DATA_RELEASE,
    "service": ResourceType.SERVICE_GUIDE,
}
DEFAULT_RESOURCE_TYPE = ResourceType.NOTICE
# City-level organizations whose policy documents every district's 上级文件 shows.
CITY_POLICY_SOURCES = (
    "北京市人民政府",
    "北京市人民政府办公厅",
    "北京市发展和改革委员会",
    "北京市教育委员会",
    "北京市卫生健康委员会",
)
PUSHED_NOTICE_TITLE = "关于做好政府网站集约化平台信息发布工作的通知"


@dataclass
class LoadResult:
    created: bool
    seconds: float = 0.0
    pages: int = 0
    resources: int = 0
    shared_data: bool = False
    shared_data_dir: str = ""
    sites: list = field(default_factory=list)


class DemoConflict(Exception):
    """The database holds records the demo would collide with (it needs an empty one)."""


def is_loaded():
    """The demo city is there when its portal's registry record is."""
    return registry.gov_sites(primary_domain=city.PORTAL_DOMAIN).exists()


def conflicts():
    """Names of existing records the demo would duplicate (empty on a fresh database)."""
    names = list(
        registry.organizations(name__in=[o.name for o in city.ORGANIZATIONS]).values_list(
            "name", flat=True
        )
    )
    names += registry.gov_sites(
        primary_domain__in=[s.primary_domain for s in city.SITES]
    ).values_list("primary_domain", flat=True)
    usernames = [city.ADMIN_USERNAME, city.SUPERVISOR_USERNAME]
    usernames += [s.editor_username for s in city.SITES]
    usernames += city.REVIEWER_USERNAMES
    names += (
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    return names


def load_steps():
    """How many times :func:`load_demo` calls its ``progress`` callback."""
    return 2 * len(city.SITES) + 1


def load_demo(data_dir=None, now=None, progress=None, history_scale=1.0):
    """Create the demo city unless it exists; return what happened.

    ``progress(label)``, when given, is called after each of :func:`load_steps` steps
    (a site opened, a site's content built, the subscriptions and push), for the
    progress bar of ``manage.py load_demo``.
    ``history_scale``: how much of the generated history (jiyue.demo.history) to load;
    1.0, the default, is several years and hundreds of items per site.
    """
    started = time.monotonic()
    progress = progress or (lambda label: None)
    if is_loaded():
        return LoadResult(created=False)
    existing = conflicts()
    if existing:
        raise DemoConflict(
            _(
                "数据库中已有与演示城市同名的记录（%(names)s），"
                "演示城市只能载入到新建的数据库中，未做任何修改。"
            )
            % {"names": "、".join(existing)}
        )
    now = (now or timezone.now()).astimezone(BEIJING)
    shared = SharedData(data_dir)
    with transaction.atomic():
        orgs = create_organizations()
        admin, supervisor, editors = create_users(orgs)
        sites = {}
        for spec in city.SITES:
            gov_site = register_site(spec, orgs)
            open_site_by_application(gov_site, editors[spec.key], supervisor, admin)
            registry.editors_group(gov_site).user_set.add(editors[spec.key])
            configure_footer(gov_site, spec, orgs[spec.organization])
            configure_header(gov_site, spec)
            sites[spec.key] = gov_site
            progress(gov_site.name)
        create_reviewers(orgs)
        pages = resources = 0
        # Sites with topic words choose their shared documents first; the portal takes
        # what is left, so no document appears twice.
        # Demo bodies hold no references to pages, images or documents, so Wagtail's
        # reference index ("usage") has nothing to record for them.
        with disable_reference_index_auto_update():
            for spec in sorted(city.SITES, key=lambda s: not s.policy_words):
                built = build_site_content(
                    sites[spec.key],
                    spec,
                    shared,
                    now,
                    editors[spec.key],
                    history_scale=history_scale,
                )
                pages += built[0]
                resources += built[1]
                progress(sites[spec.key].name)
            subscribe_district_columns(orgs, sites)
            resources += push_city_notice(orgs, sites, supervisor, now)
            progress(_("上级文件订阅与推送"))
    return LoadResult(
        created=True,
        seconds=time.monotonic() - started,
        pages=pages,
        resources=resources,
        shared_data=shared.available,
        shared_data_dir=str(shared.data_dir),
    )


# --- Organizations and users ------------------------------------------------------


def create_organizations():
    orgs = {}
    for spec in city.ORGANIZATIONS:
        org = registry.create_organization(
            name=spec.name,
            short_name=spec.short_name,
            org_type=spec.org_type,
            parent=orgs.get(spec.parent) if spec.parent else None,
            division_code=spec.division_code,
            credit_code=spec.credit_code,
            is_supervisor=spec.is_supervisor,
            address=spec.address,
            phone=spec.phone,
            postcode=spec.postcode,
        )
        orgs[spec.name] = org
    return orgs


def create_users(orgs):
    """The superuser, the supervisor (主管单位) and one editor per site."""
    user_model = get_user_model()
    admin = user_model.objects.create_superuser(
        city.ADMIN_USERNAME, "admin@example.org", city.ADMIN_PASSWORD
    )
    supervisor_org = next(org for org in orgs.values() if org.is_supervisor)
    supervisor = user_model.objects.create_user(
        city.SUPERVISOR_USERNAME,
        "supervisor@example.org",
        city.DEMO_PASSWORD,
        first_name="主管单位",
        last_name="",
    )
    registry.add_staff_member(supervisor, supervisor_org)
    group, _created = Group.objects.get_or_create(name=city.SUPERVISOR_GROUP)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in city.SUPERVISOR_PERMISSIONS
        )
    )
    supervisor.groups.add(group)
    editors = {}
    for spec in city.SITES:
        editor = user_model.objects.create_user(
            spec.editor_username,
            f"{spec.editor_username}@example.org",
            city.DEMO_PASSWORD,
            first_name=f"{orgs[spec.organization].short_name}编辑",
        )
        registry.add_staff_member(editor, orgs[spec.organization])
        editors[spec.key] = editor
    return admin, supervisor, editors


def create_reviewers(orgs):
    """One reviewer account per review step, in that step's group (created when the
    first site was provisioned), staff of :data:`city.REVIEWER_ORGANIZATION`."""
    user_model = get_user_model()
    organization = next(o for o in orgs.values() if o.name == city.REVIEWER_ORGANIZATION)
    for step, username in zip(library.WORKFLOW_STEPS, city.REVIEWER_USERNAMES, strict=True):
        user = user_model.objects.create_user(
            username,
            f"{username}@example.org",
            city.DEMO_PASSWORD,
            first_name=f"{organization.short_name}{step}",
        )
        Group.objects.get(name=step).user_set.add(user)
        registry.add_staff_member(user, organization)


# --- Sites --------------------------------------------------------------------------


def register_site(spec, orgs):
    """The registry record, validated by the registry's own rules (NAME-1, DOMAIN-*, …)."""
    return registry.register_site(
        name=spec.name,
        site_type=spec.site_type,
        organization=orgs[spec.organization],
        operator_name=spec.operator_name,
        primary_domain=spec.primary_domain,
        chinese_domain=spec.chinese_domain,
        site_id_code=spec.site_id_code,
        icp_no=spec.icp_no,
        psb_no=spec.psb_no,
        psb_record_code=spec.psb_record_code,
        dzjg_mark=spec.dzjg_mark,
        domain_registered=True,
    )


def open_site_by_application(gov_site, applicant, supervisor, superuser):
    """Open the site as a real one is opened (rule: SITE-6, SITE-7).

    The site's editor applies; every level of the review chain approves (the
    supervisor the final step, the superuser any intermediate one); the approval
    provisions the hosting; the editor then puts the site online.
    """
    application = registry.submit_application(
        applicant, gov_site, "open", "演示城市：按照集约化建设要求在平台上开设网站。"
    )
    while (step := application.current_step()) is not None:
        reviewer = supervisor if step.is_final else superuser
        application = registry.decide(reviewer, application, True, "同意。", step=step)
    gov_site.refresh_from_db()
    registry.go_live(applicant, gov_site)
    gov_site.refresh_from_db()
    return gov_site


def configure_footer(gov_site, spec, org):
    """The per-site footer block (rule: FOOTER-2, FOOTER-4, FOOTER-5)."""
    footer = FooterSettings.for_site(gov_site.wagtail_site)
    footer.address = org.address
    footer.phone = org.phone
    footer.postcode = org.postcode
    footer.email = spec.email
    footer.about_text = _html(
        [
            f"{spec.name}是{org.name}主办的政府网站"
            + (f"，由{spec.operator_name}承办" if spec.operator_name else "")
            + "，部署在政府网站集约化平台上。",
            "本网站发布政务信息，提供政策解读、办事服务和互动交流，"
            "是公众了解和监督政府工作的重要渠道。",
            f"网站标识码：{spec.site_id_code}。",
        ]
    )
    footer.statement_text = _html(
        [
            f"一、{spec.name}发布的信息以正式公文为准。",
            "二、转载本网站原创信息请注明来源；转载自其他网站的信息，版权归原作者所有。",
            "三、本网站不收集与服务无关的个人信息。公众通过互动栏目提交的个人信息仅用于办理相关事项，"
            "未经本人同意不向第三方公开，法律法规另有规定的除外。",
            "四、本网站不刊登商业广告。",
        ]
    )
    footer.save()


# --- Content ---------------------------------------------------------------------------


def configure_header(gov_site, spec):
    """The site's header identity: its colour and text mark (HeaderSettings)."""
    header = HeaderSettings.for_site(gov_site.wagtail_site)
    header.colour = spec.colour
    header.mark_text = spec.mark_text
    header.save()


def build_site_content(gov_site, spec, shared, now, editor, *, history_scale=1.0):
    """Home page texts, the column tree and its resources; returns (pages, resources)."""
    home = gov_site.wagtail_site.root_page.specific
    assert isinstance(home, HomePage)
    home.intro = spec.intro
    home.column_description = f"{spec.name}首页：{spec.intro}"
    home.column_keywords = spec.home_keywords
    home.save_revision().publish()

    builder = _SiteContent(gov_site, spec, editor, now)
    placeholders = _placeholders(gov_site, spec, now)
    extra = _shared_items(spec, shared, history_scale)
    pages = 0
    for column_spec in city.COLUMN_TREE:
        pages += _add_column(
            home,
            column_spec,
            site_spec=spec,
            placeholders=placeholders,
            extra=extra,
            now=now,
            builder=builder,
        )
    builder.add_interpretations()
    builder.import_bulk(history.site_history(spec, *_names(gov_site), now, scale=history_scale))
    return pages, builder.count


def _names(gov_site):
    org = gov_site.organization
    return org.name, org.short_name or org.name


def _placeholders(gov_site, spec, now):
    org = gov_site.organization
    return {
        "org": org.name,
        "short": org.short_name or org.name,
        "site": spec.name,
        "year": now.year,
        "last_year": now.year - 1,
    }


def _scaled(count, scale, minimum):
    return max(minimum, round(count * scale))


def _shared_items(spec, shared, scale=1.0):
    """The shared-data items of one site, by column key (fewer at a smaller ``scale``)."""
    if not shared.available:
        return {}
    items = {}
    # Full texts of the State Council and its ministries: 上级文件; of other provinces
    # (Shandong), and other governments' titles: 外省市政策 (rule: PUB-4, PUB-6).
    policies = []
    if spec.policy_words is not None:
        policies = shared.take_policies(spec.policy_words, _scaled(POLICIES_PER_SITE, scale, 4))
    items["upper_documents"] = [p for p in policies if p.central]
    if spec.policy_words == ():
        limit = _scaled(PORTAL_REPOSTS, scale, 24)  # more than one list page
    else:
        limit = _scaled(REPOSTS_PER_SITE, scale, 8)
    items["other_regions"] = [p for p in policies if not p.central] + shared.take_titles(
        spec.repost_words, limit, exclude=INTERPRETATION_WORDS
    )
    if "work_reports" in spec.extra_columns:
        items["work_reports"] = shared.work_reports()
    return items


def _add_column(parent, column_spec, *, site_spec, placeholders, extra, now, builder, path=()):
    if column_spec.only_with and column_spec.only_with not in site_spec.extra_columns:
        return 0
    published = now - datetime.timedelta(days=365)
    column = ColumnPage(
        title=column_spec.title,
        slug=column_spec.slug,
        column_type=column_spec.column_type,
        description=column_spec.description.format(**placeholders),
        keywords=column_spec.keywords,
        inspection_class=column_spec.inspection_class,
        update_cycle_days=column_spec.update_cycle_days,
        must_reply=column_spec.must_reply,
        show_in_menus=True,
        live=True,
        first_published_at=published,
        last_published_at=published,
    )
    parent.add_child(instance=column)
    builder.columns[column_spec.key] = column
    created = 1
    items = list(extra.get(column_spec.key, []))
    # A district's 上级文件 is filled by its subscription to the city's documents.
    subscribed = column_spec.key == "upper_documents" and "district" in site_spec.extra_columns
    if not (items and column_spec.key in builtin.PLACEHOLDER_ONLY) and not subscribed:
        items += [
            _builtin_item(entry, placeholders, now)
            for entry in builtin.ITEMS.get(column_spec.key, [])
        ]
    # A column and the grouping columns above it list its items (rule: DESIGN-4);
    # reposts only their own column.
    shown_in = [column] if column_spec.key in REPOST_COLUMNS else [column, *path]
    builder.placed_in[column_spec.key] = shown_in
    if column_spec.key == "interpretation":
        builder.interpretation_items = items
        builder.interpretation_columns = shown_in
    else:
        reposts = [i for i in items if i.issuing_organ]
        for item in sorted(items, key=lambda i: i.pub_date):
            if not item.issuing_organ:
                builder.add(item, column_spec.key, shown_in)
        builder.reposts += [(item, column_spec.key) for item in reposts]
    for child in column_spec.children:
        created += _add_column(
            column,
            child,
            site_spec=site_spec,
            placeholders=placeholders,
            extra=extra,
            now=now,
            builder=builder,
            path=tuple(shown_in),
        )
    return created


class _SiteContent:
    """Creates one site's resources in the library and places them in its columns."""

    def __init__(self, gov_site, spec, editor, now):
        self.gov_site = gov_site
        self.spec = spec
        self.editor = editor
        self.now = now
        self.org = gov_site.organization
        self.columns = {}
        self.placed_in = {}  # column key → the columns that list its items
        self.reposts = []  # (Item, column key), imported in bulk with the history
        self.policies = []
        self.interpretation_items = []
        self.interpretation_columns = []
        self.count = 0

    def fields(self, item, resource_type):
        fields = {
            "resource_type": resource_type,
            "title": item.title[:255],
            "summary": item.summary,
            "body": item.body_html,
            "source_org": self.org,
            "owner_site": self.gov_site,
            "author": item.author[:100],
            "keywords": item.keywords[:255],
            "pub_date": item.pub_date,
        }
        if resource_type == ResourceType.POLICY:
            fields.update(
                doc_no=item.doc_no,
                # rule: PUB-4 — a repost names the original issuing organ.
                issuing_organ=(item.source or self.org.name)[:200],
                written_date=item.pub_date.date(),
            )
        elif resource_type == ResourceType.SERVICE_GUIDE:
            fields.update(self.guide_fields(item))
        return fields

    def guide_fields(self, item):
        """The GUIDE-1 elements of a built-in service guide (demo wording)."""
        return {
            "guide_item_name": item.title[:200],
            "guide_item_type": GuideItemType.PUBLIC_SERVICE,
            "guide_department": self.org.name,
            "guide_implementing_org": self.org.name,
            "guide_legal_basis": "《中华人民共和国政府信息公开条例》",
            "guide_scope": GuideScope.BOTH,
            "guide_conditions": "符合相关规定的个人或法人均可申请。",
            "guide_materials": "1. 申请表；\n2. 申请人身份证明。",
            "guide_location": self.org.address[:255],
            "guide_agency": self.org.name,
            "guide_is_free": True,
            "guide_hours": "工作日 9:00-12:00，13:30-17:00",
            "guide_phone": self.org.phone[:50],
            "guide_process": "申请 → 受理 → 审核 → 办结。",
            "guide_time_limit": "20个工作日",
        }

    def create(self, item, resource_type, **extra):
        fields = self.fields(item, resource_type)
        fields.update(extra)
        resource = library.create_draft(user=self.editor, **fields)
        self.count += 1
        return resource

    def place(self, resource, columns):
        for column in columns:
            distribution.place(resource, column, self.editor)

    def add(self, item, key, columns):
        resource_type = COLUMN_RESOURCE_TYPE.get(key, DEFAULT_RESOURCE_TYPE)
        if key in REPOST_COLUMNS:
            # Only a column's own note (栏目说明) reaches here; reposts are imported.
            resource_type = ResourceType.NOTICE
        resource = self.create(item, resource_type)
        if resource_type == ResourceType.POLICY:
            # Policies are published in add_interpretations, some with their
            # interpretation (rule: INTERP-1).
            self.policies.append((resource, columns))
            return resource
        library.publish_now(resource, user=self.editor)
        self.place(resource, columns)
        return resource

    def add_interpretations(self):
        """Publish the policies; the newest few together with an interpretation.

        rule: INTERP-1, INTERP-2 — the interpretation is approved first and held, and
        released in the same transaction as its policy.
        """
        newest = sorted(self.policies, key=lambda pair: pair[0].pub_date, reverse=True)
        interpreted = newest[:INTERPRETATIONS_PER_SITE] if self.interpretation_items else []
        for number, (policy, columns) in enumerate(interpreted):
            template = self.interpretation_items[number % len(self.interpretation_items)]
            type(policy).objects.filter(pk=policy.pk).update(needs_interpretation=True)
            policy.needs_interpretation = True
            policy.save_revision(user=self.editor, clean=False)
            interpretation = self.create(
                template,
                ResourceType.INTERPRETATION,
                title=f"《{policy.title[:200]}》政策解读",
                summary=f"{self.org.name}对《{policy.title[:200]}》的解读。",
                pub_date=policy.pub_date,
                policy=policy,
                interpretation_form="text",
            )
            library.publish_now(interpretation, user=self.editor)  # held (INTERP-1)
            library.publish_now(policy, user=self.editor)  # releases the interpretation
            self.place(policy, columns)
            self.place(interpretation, self.interpretation_columns)
        for policy, columns in newest[len(interpreted) :]:
            library.publish_now(policy, user=self.editor)
            self.place(policy, columns)

    def import_bulk(self, history_items):
        """The reposts and the generated history, through the library's bulk import.

        Older information reaches a real site the same way, by migration into the
        library (``import_resources``), not one editor form at a time. Reposts carry
        their real issuer and original link (rule: PUB-4) and are 不予共享, so no
        subscription rule shows them elsewhere.
        """
        rows, columns_of = [], []
        for item, key in self.reposts:
            rows.append(self.import_row(item, COLUMN_RESOURCE_TYPE[key], repost=True))
            columns_of.append(self.placed_in[key])
        for entry in history_items:
            if entry.column not in self.placed_in:
                continue
            item = Item(
                title=entry.title,
                pub_date=entry.pub_date,
                source=self.org.name,
                body_html=_html(entry.paragraphs),
                summary=entry.paragraphs[0][:200],
                doc_no=entry.doc_no,
                theme=entry.theme,
            )
            rows.append(self.import_row(item, COLUMN_RESOURCE_TYPE[entry.column]))
            columns_of.append(self.placed_in[entry.column])
        if not rows:
            return
        if self.spec.key == "beijing":
            # The portal's oldest own policy is 已废止, so the validity banner shows
            # (rule: PUB-5).
            oldest = next(
                (
                    r
                    for r in rows
                    if r["resource_type"] == ResourceType.POLICY and not r.get("source_url")
                ),
                None,
            )
            if oldest is not None:
                oldest["validity"] = Validity.REPEALED
        lines = [json.dumps(row, ensure_ascii=False) for row in rows]
        result = library.import_lines(lines, publish=True, user=self.editor, source="demo")
        placements = [
            Placement(
                resource=resource,
                column=column,
                state=PlacementState.ACTIVE,
                via=PlacementVia.EXPLICIT,
                created_by=self.editor,
            )
            for resource in result.resources
            for column in columns_of[resource._import_line - 1]
        ]
        Placement.objects.bulk_create(placements, batch_size=500)
        self.count += len(rows)

    def import_row(self, item, resource_type, repost=False):
        row = {
            "resource_type": resource_type,
            "title": item.title[:255],
            "summary": item.summary,
            "body": item.body_html,
            "source_org": str(self.org.pk),
            "owner_site": str(self.gov_site.pk),
            "author": item.author[:100],
            "keywords": item.keywords[:255],
            "pub_date": item.pub_date.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
        }
        if item.theme:
            row["theme"] = item.theme
        if resource_type == ResourceType.POLICY:
            row.update(
                doc_no=item.doc_no,
                issuing_organ=(item.issuing_organ or self.org.name)[:200],
                written_date=item.pub_date.date().isoformat(),
            )
        if repost:
            # rule: PUB-4 — the real issuer and the original address, never ours.
            row.update(
                issuing_organ=item.issuing_organ[:200],
                source_url=item.source_url,
                share_scope=ShareScope.NONE,
            )
        return row


def subscribe_district_columns(orgs, sites):
    """Each district's 上级文件 shows every city policy document (rule: LIB-3).

    Reposts are 不予共享 (ShareScope.NONE), so no rule ever shows another government's
    document as a city one.
    """
    city_orgs = [orgs[name] for name in CITY_POLICY_SOURCES]
    district_roots = [
        sites[spec.key].wagtail_site.root_page
        for spec in city.SITES
        if "district" in spec.extra_columns
    ]
    columns = []
    for root in district_roots:
        columns += list(ColumnPage.objects.descendant_of(root).filter(slug="sjwj"))
    for column in columns:
        rule = ColumnSubscription.objects.create(
            column=column,
            name="市级政策文件",
            resource_types=[ResourceType.POLICY],
            include_sub_orgs=False,
        )
        rule.source_orgs.set(city_orgs)


def push_city_notice(orgs, sites, supervisor, now):
    """The supervisor pushes one notice to every district site at once (rule: LIB-3)."""
    office = next(org for org in orgs.values() if org.is_supervisor)
    portal = sites["beijing"]
    item = Item(
        title=PUSHED_NOTICE_TITLE,
        pub_date=(now - datetime.timedelta(days=1)).replace(second=0, microsecond=0),
        source=office.name,
        body_html=_html(
            [
                "各区人民政府，市政府各委、办、局：",
                "为落实政府网站集约化建设要求，各单位发布的信息统一进入信息资源库，"
                "经审核后发布到各网站栏目。请各单位做好信息发布、政策解读和回应关切工作。",
                builtin.DEMO_NOTE,
            ]
        ),
        summary="各单位发布的信息统一进入信息资源库，经审核后发布到各网站栏目。",
    )
    notice = library.create_draft(
        user=supervisor,
        resource_type=ResourceType.NOTICE,
        title=item.title,
        summary=item.summary,
        body=item.body_html,
        source_org=office,
        owner_site=portal,
        pub_date=item.pub_date,
    )
    library.publish_now(notice, user=supervisor)
    portal_columns = ColumnPage.objects.descendant_of(portal.wagtail_site.root_page).filter(
        slug__in=["zwdt", "tzgg"]
    )
    for column in portal_columns:
        distribution.place(notice, column, supervisor)
    district_columns = []
    for key in ("bjhd", "bjchy"):
        root = sites[key].wagtail_site.root_page
        district_columns += list(
            ColumnPage.objects.descendant_of(root).filter(slug__in=["zwdt", "tzgg"])
        )
    distribution.push(notice, district_columns, supervisor)
    return 1


def _builtin_item(entry, placeholders, now):
    days, hhmm, title, paragraphs, author = entry
    hour, minute = (int(x) for x in hhmm.split(":"))
    pub_date = (now - datetime.timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    if pub_date > now:
        pub_date -= datetime.timedelta(days=1)
    texts = [p.format(**placeholders) for p in paragraphs]
    return Item(
        title=title.format(**placeholders),
        pub_date=pub_date,
        source=placeholders["org"],
        body_html=_html([*texts, builtin.DEMO_NOTE]),
        author=author,
        summary=texts[0],
    )


def _html(paragraphs):
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


# --- What to tell the user ----------------------------------------------------------


def site_urls(port=8000):
    """``[(site name, URL)]`` of the demo sites, in the order of :data:`city.SITES`."""
    by_domain = {
        s.primary_domain: s
        for s in registry.gov_sites(primary_domain__in=[spec.primary_domain for spec in city.SITES])
    }
    suffix = "" if str(port) in ("80", "") else f":{port}"
    rows = []
    for spec in city.SITES:
        gov_site = by_domain.get(spec.primary_domain)
        if gov_site is not None:
            host = registry.serving_host(gov_site.primary_domain)
            rows.append((gov_site.name, f"http://{host}{suffix}/"))
    return rows


def logins():
    """``[(role, username, password, what)]`` of the demo accounts."""
    rows = [
        (_("超级管理员"), city.ADMIN_USERNAME, city.ADMIN_PASSWORD, _("全部权限")),
        (_("主管单位"), city.SUPERVISOR_USERNAME, city.DEMO_PASSWORD, "北京市人民政府办公厅"),
    ]
    rows += [
        (_("网站编辑"), spec.editor_username, city.DEMO_PASSWORD, spec.name) for spec in city.SITES
    ]
    rows += [
        (_("审核人员"), username, city.DEMO_PASSWORD, f"{city.REVIEWER_ORGANIZATION}·{step}")
        for step, username in zip(library.WORKFLOW_STEPS, city.REVIEWER_USERNAMES, strict=True)
    ]
    return rows
