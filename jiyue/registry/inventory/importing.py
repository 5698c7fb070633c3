"""The inventory import: one transaction, every row checked, nothing duplicated.

How a row finds its record (rule: DOMAIN-5, one site one domain):

1. by domain — the row's host, with or without a leading ``www.``, is a site the
   registry knows (platform sites are then left alone);
2. else by organization and division code — the row's organization (by name; a
   government by its division code; an English row of ``ptc_local_websites.csv`` by
   the pinyin of its place within its province) already runs one inventory record
   of the same site type: the row is that record, reported with its other domain;
3. else a new inventory record.

A Chinese name is never replaced by a translation, and an English row never moves
a record to another organization. Every row is reported as created, changed,
matched (nothing to change) or skipped, with the reason.

Speed: the registry is read once into memory, rows are checked there, and new and
changed records are written in the one transaction as plain value tuples, one
statement per table (keys reserved first; ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, see :mod:`jiyue.standards.bulk_sql`), audit entries likewise.
"""

import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin
from wagtail.log_actions import registry as log_registry

from jiyue.standards.bulk_sql import insert_objects, insert_rows, reserve_ids

from ..models import (
    GovSite,
    Organization,
    OrgType,
    SiteAlias,
    SiteStatus,
)
from ..services import invalidate_host_cache
from .findings import FindingIndex
from .formats import GOVERNMENT_TYPES, OrgSpec, guess_org_type

# --- Importing ---------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff]")
# Suffixes of a division's name, longest first, to find the place name it starts with.
_DIVISION_SUFFIXES = (
    "人民政府",
    "行政公署",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "政府",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def has_chinese(text):
    return bool(_CJK.search(text or ""))


def _place_key(text):
    """A place name as plain Latin letters: "Yibin" and 宜宾市人民政府 both give "yibin"."""
    if has_chinese(text):
        name = text
        for _i in range(3):
            for suffix in _DIVISION_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    name = name[: -len(suffix)]
                    break
        # "长春市朝阳" (a qualified name): the place is the last part.
        name = re.split(r"[省市]", name)[-1] or name
        text = "".join(lazy_pinyin(name))
    text = re.sub(r"(provincial|municipal|autonomous|region|government|people's)", "", text.lower())
    return re.sub(r"[^a-z]", "", text)


def _domain_key(domain):
    return domain[4:] if domain.startswith("www.") else domain


@dataclass
class RejectedRow:
    line: int
    domain: str
    problems: list  # [(rule_id, message)]


@dataclass
class Finding:
    line: int
    site: str
    domain: str
    rule_id: str
    message: str


#: Per-row outcomes, as the report names them.
CREATED, CHANGED, MATCHED, SKIPPED = "created", "changed", "matched", "skipped"
OUTCOME_LABELS = {
    CREATED: _("新建"),
    CHANGED: _("更新"),
    MATCHED: _("已匹配未变化"),
    SKIPPED: _("跳过"),
}


@dataclass
class RowReport:
    """What happened to one row: its outcome, the record, how it matched, why."""

    line: int
    domain: str
    outcome: str  # CREATED / CHANGED / MATCHED / SKIPPED
    site: str = ""
    matched_by: str = ""  # "domain" or "organization"
    details: list = field(default_factory=list)  # human-readable, in the admin's language

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_platform: int = 0  # rows naming a site already hosted: left untouched
    organizations_created: int = 0
    rejected: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # [RowReport], in file order
    dry_run: bool = False
    skip_invalid: bool = False
    committed: bool = False
    seconds: float = 0.0

    @property
    def accepted(self):
        return self.created + self.updated + self.unchanged + self.on_platform

    @property
    def skipped(self):
        return self.on_platform + len(self.rejected)

    @property
    def findings_by_rule(self):
        return sorted(Counter(f.rule_id for f in self.findings).items())

    @property
    def rejected_by_rule(self):
        return sorted(Counter(r for row in self.rejected for r, _m in row.problems).items())


class RowRejected(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


_SITE_FIELDS = ("name", "site_type", "organization", "legacy_url", "site_id_code")


class _ImportContext:
    """The registry in memory, kept in step with the rows imported so far.

    New organizations and sites are unsaved objects until :meth:`write`; entries a
    row adds are forgotten again if that row is rejected, so a later row never sees
    them.
    """

    def __init__(self, rows, user, log_uuid, source_name):
        self.user = user
        self.log_uuid = log_uuid
        self.source_name = source_name
        self.orgs_by_name = {}
        self.govs_by_code = {}
        orgs = {o.pk: o for o in Organization.objects.all()}
        for org in orgs.values():
            # Parents attached in memory: walking the hierarchy runs no query.
            org.parent = orgs.get(org.parent_id) if org.parent_id else None
            self.orgs_by_name[org.name] = org
            if org.division_code and org.org_type in GOVERNMENT_TYPES:
                self.govs_by_code.setdefault(org.division_code, org)
        self.sites = list(GovSite.objects.all())
        self.sites_by_domain = {}
        self.sites_by_org = defaultdict(list)  # existing records, for the 2nd match
        self.id_codes = {}
        for site in self.sites:
            site.organization = orgs[site.organization_id]
            self.sites_by_domain[_domain_key(site.primary_domain)] = site
            self.sites_by_org[site.organization_id].append(site)
            if site.site_id_code:
                self.id_codes[site.site_id_code] = site
        self.alias_domains = set(SiteAlias.objects.values_list("domain", flat=True))
        # Specs the file itself gives, to create a parent named by a later row.
        self.file_specs_by_name = {}
        self.file_gov_specs_by_code = {}
        for row in rows:
            if row.org is None:
                continue
            self.file_specs_by_name.setdefault(row.org.names[0], row.org)
            if row.org.is_government and row.org.division_code:
                self.file_gov_specs_by_code.setdefault(row.org.division_code, row.org)
        self.translations = self._match_translations(rows)
        self.new_orgs = []
        self.new_sites = []
        self.changed_sites = {}  # pk → (site, {field: (old, new)})
        self._added = []
        self._row_orgs = []
        self._row_logs = []
        self.log_entries = []
        self.organizations_created = 0

    # English rows (ptc_local_websites.csv) --------------------------------------------

    def _match_translations(self, rows):
        """English organization name → the Chinese organization of the same place.

        By the row's domain first; else a province by the pinyin of its name, a
        place by the pinyin of its name among the governments of its province. Only
        a single candidate is taken (陕西 and 山西 are both "shanxi").
        """
        by_prefix = defaultdict(list)
        for org in self.govs_by_code.values():
            by_prefix[org.division_code[:2]].append(org)
        found = {}
        translated = [r for r in rows if r.org is not None and r.org.translated]
        for tops in (True, False):  # provinces first: places are looked up within them
            for row in translated:
                spec = row.org
                if bool(spec.place) == tops or spec.names[0] in found:
                    continue
                site = self.sites_by_domain.get(_domain_key(row.domain))
                if site is not None and has_chinese(site.organization.name):
                    found[spec.names[0]] = site.organization
                    continue
                if tops:
                    key = _place_key(spec.province)
                    candidates = [
                        o
                        for o in self.govs_by_code.values()
                        if o.division_code.endswith("0000") and _place_key(o.name) == key
                    ]
                else:
                    province = found.get(spec.parent_name)
                    if province is None or not province.division_code:
                        continue
                    key = _place_key(spec.place)
                    candidates = [
                        o
                        for o in by_prefix[province.division_code[:2]]
                        if o is not province and _place_key(o.name) == key
                    ]
                if len(candidates) == 1 and key:
                    found[spec.names[0]] = candidates[0]
        return found

    # Rows ---------------------------------------------------------------------------

    def begin_row(self):
        self._added = []
        self._row_orgs = []
        self._row_logs = []

    def forget_row(self):
        for mapping, key in self._added:
            mapping.pop(key, None)
        self._added = []
        self._row_orgs = []
        self._row_logs = []

    def commit_row(self):
        self.new_orgs.extend(self._row_orgs)
        self.organizations_created += len(self._row_orgs)
        self.log_entries.extend(self._row_logs)

    def _remember(self, mapping, key, value):
        if key not in mapping:
            mapping[key] = value
            self._added.append((mapping, key))

    # Organizations ---------------------------------------------------------------

    def organization_for(self, spec, depth=0):
        if depth > 8:
            return None
        if spec.translated and spec.names[0] in self.translations:
            return self.translations[spec.names[0]]
        if not spec.derived:
            org = self.orgs_by_name.get(spec.names[0])
            if org is not None:
                if spec.division_code and org.division_code not in ("", spec.division_code):
                    raise RowRejected(
                        [
                            (
                                "SITE-8",
                                _(
                                    "SITE-8：主办单位“%(name)s”已登记，行政区划代码为"
                                    "“%(known)s”，与本行的“%(code)s”不同。"
                                )
                                % {
                                    "name": org.name,
                                    "known": org.division_code,
                                    "code": spec.division_code,
                                },
                            )
                        ]
                    )
                return org
        # One government per division: matched by its code whatever it is called.
        if spec.is_government and spec.division_code:
            org = self.govs_by_code.get(spec.division_code)
            if org is not None:
                return org
        for name in spec.names:
            org = self.orgs_by_name.get(name)
            if org is None:
                return self._create_organization(name, spec, depth)
            if (
                spec.derived
                and org.division_code
                and spec.division_code
                and org.division_code != spec.division_code
            ):
                continue  # another division's organ has this name: try a qualified one
            return org
        raise RowRejected(
            [
                (
                    "SITE-8",
                    _("SITE-8：机构名称“%(name)s”已被行政区划代码不同的机构使用。")
                    % {"name": spec.names[0]},
                )
            ]
        )

    def _parent_for(self, spec, depth):
        if spec.parent_name:
            parent = self.translations.get(spec.parent_name) if spec.translated else None
            parent = parent or self.orgs_by_name.get(spec.parent_name)
            if parent is not None:
                return parent
            parent_spec = self.file_specs_by_name.get(spec.parent_name) or OrgSpec(
                names=[spec.parent_name],
                org_type=guess_org_type(spec.parent_name, "", ""),
            )
            return self.organization_for(parent_spec, depth + 1)
        for code in spec.parent_codes:
            parent = self.govs_by_code.get(code)
            if parent is None and code in self.file_gov_specs_by_code:
                parent = self.organization_for(self.file_gov_specs_by_code[code], depth + 1)
            if parent is not None:
                return parent
        return None

    def _create_organization(self, name, spec, depth):
        parent = self._parent_for(spec, depth)
        org_type = spec.org_type or OrgType.DEPARTMENT
        if spec.type_guessed and parent is not None and org_type == OrgType.DEPARTMENT:
            if parent.org_type == OrgType.DISTRICT_GOVERNMENT:
                org_type = OrgType.DISTRICT_DEPARTMENT
            elif parent.org_type in (OrgType.DEPARTMENT, OrgType.DISTRICT_DEPARTMENT):
                org_type = OrgType.UNIT
        max_length = Organization._meta.get_field("name").max_length
        if len(name) > max_length:
            raise RowRejected(
                [
                    (
                        "SITE-8",
                        _("SITE-8：机构名称“%(name)s”超过 %(n)s 个字。")
                        % {"name": name, "n": max_length},
                    )
                ]
            )
        org = Organization(
            name=name, org_type=org_type, division_code=spec.division_code, parent=parent
        )
        self._log(org, "wagtail.create")
        self._remember(self.orgs_by_name, org.name, org)
        if org.division_code and org.org_type in GOVERNMENT_TYPES:
            self._remember(self.govs_by_code, org.division_code, org)
        self._row_orgs.append(org)
        return org

    # Sites ---------------------------------------------------------------------------

    def _existing_site_of(self, org, row):
        """Rule 2 of the match: the organization's one inventory record of this type."""
        if org.pk is None:
            return None
        if row.org.division_code and org.division_code not in ("", row.org.division_code):
            return None
        same = [
            s
            for s in self.sites_by_org.get(org.pk, ())
            if s.is_legacy and s.site_type == row.site_type
        ]
        return same[0] if len(same) == 1 else None

    def import_site(self, row):
        """Match, create or update the record of ``row``; return a :class:`RowReport`."""
        report = RowReport(row.line, row.domain, CREATED)
        site = self.sites_by_domain.get(_domain_key(row.domain))
        if site is not None:
            report.matched_by = "domain"
            if site.primary_domain != row.domain:
                report.details.append(
                    _("域名按“%(known)s”匹配（本行为“%(row)s”）。")
                    % {"known": site.primary_domain, "row": row.domain}
                )
            if site.pk is None:
                raise RowRejected(
                    [
                        (
                            "DOMAIN-5",
                            _("DOMAIN-5：域名“%(domain)s”与本文件中较早的一行是同一网站。")
                            % {"domain": row.domain},
                        )
                    ]
                )
            if not site.is_legacy:
                report.outcome, report.site = SKIPPED, site.name
                report.details.append(_("该网站已在平台上运行，清单不改动它。"))
                return report, site
        translated = row.org.translated
        org = site.organization if (site is not None and translated) else None
        org = org or self.organization_for(row.org)
        if site is None:
            site = self._existing_site_of(org, row)
            if site is not None:
                report.matched_by = "organization"
                report.details.append(
                    _(
                        "按主办单位和行政区划代码匹配到“%(site)s”（域名 %(known)s），"
                        "本行域名 %(row)s 未另行登记。"
                    )
                    % {"site": site.name, "known": site.primary_domain, "row": row.domain}
                )
        name = row.name
        if translated and has_chinese(org.name):
            name = org.name + (row.name[len(row.org.names[0]) :] or "网站")
        values = {"name": name, "site_type": row.site_type, "organization": org}
        # Empty optional cells never wipe what the registry already knows.
        if row.legacy_url:
            values["legacy_url"] = row.legacy_url
        if row.site_id_code:
            values["site_id_code"] = row.site_id_code
        if site is not None:
            if has_chinese(site.name) and not has_chinese(values["name"]):
                del values["name"]  # never a translation over a Chinese name
                report.details.append(_("保留中文名称“%(name)s”。") % {"name": site.name})
            if translated:
                del values["organization"]  # an English row never moves a record
            if report.matched_by == "organization":
                values.pop("legacy_url", None)  # that address is of the other domain
        self._check_site(row, values, site)
        if site is None:
            site = GovSite(
                primary_domain=row.domain,
                is_legacy=True,
                status=SiteStatus.ONLINE,  # running today, outside the platform
                **values,
            )
            site.organization = org
            self.sites.append(site)
            self._remember(self.sites_by_domain, _domain_key(row.domain), site)
            if row.site_id_code:
                self._remember(self.id_codes, row.site_id_code, site)
            self.new_sites.append(site)
            report.site = site.name
            self._log(site, "wagtail.create", line=row.line, changed=list(values))
            return report, site
        return self._update_site(row, report, site, values)

    def _update_site(self, row, report, site, values):
        new_url = values.get("legacy_url", "")
        if site.legacy_url and new_url and site.legacy_url != new_url:
            # An address once known stays: lists disagree on paths and schemes, and
            # a second list must not rewrite the first. The other one is reported.
            values.pop("legacy_url")
            if not _same_address(site.legacy_url, new_url):
                report.details.append(
                    _("原网址保留“%(known)s”，本行为“%(new)s”。")
                    % {"known": site.legacy_url, "new": new_url}
                )
        changed = {k: (getattr(site, k), v) for k, v in values.items() if getattr(site, k) != v}
        report.site = site.name
        if not changed:
            report.outcome = MATCHED
            return report, site
        for key, (_old, new) in changed.items():
            setattr(site, key, new)
        if "site_id_code" in changed:
            self._remember(self.id_codes, site.site_id_code, site)
        self.changed_sites.setdefault(site.pk, (site, {}))[1].update(changed)
        report.outcome, report.site = CHANGED, site.name
        report.details.extend(
            _("%(field)s：“%(old)s” → “%(new)s”")
            % {"field": GovSite._meta.get_field(k).verbose_name, "old": old, "new": new}
            for k, (old, new) in changed.items()
        )
        self._log(site, "wagtail.edit", line=row.line, changed=list(changed))
        return report, site

    def _check_site(self, row, values, site):
        """What the database would refuse, checked in memory (no query per row)."""
        problems = []
        if row.domain in self.alias_domains and site is None:
            problems.append(
                (
                    "DOMAIN-5",
                    _("DOMAIN-5：域名“%(d)s”已被其他网站作为别名使用。") % {"d": row.domain},
                )
            )
        code = values.get("site_id_code")
        holder = self.id_codes.get(code) if code else None
        if holder is not None and holder is not site:
            problems.append(
                (
                    "IDCODE-1",
                    _("IDCODE-1：网站标识码“%(code)s”已被网站“%(site)s”使用。")
                    % {"code": code, "site": holder.name},
                )
            )
        for name, value in (("name", values.get("name")), ("primary_domain", row.domain)):
            limit = GovSite._meta.get_field(name).max_length
            if value and len(value) > limit:
                problems.append(
                    (
                        "NAME-1" if name == "name" else "DOMAIN-6",
                        _("%(rule)s：%(field)s超过 %(n)s 个字符。")
                        % {
                            "rule": "NAME-1" if name == "name" else "DOMAIN-6",
                            "field": GovSite._meta.get_field(name).verbose_name,
                            "n": limit,
                        },
                    )
                )
        if problems:
            raise RowRejected(problems)

    # Writing ------------------------------------------------------------------------

    def write(self):
        """Store what the rows made: organizations, sites, changes, log.

        Keys are reserved first, so every new row is written once, already pointing
        at its parent and organization, as plain value tuples in one statement per
        table (:mod:`jiyue.standards.bulk_sql`: ``executemany`` on SQLite, ``COPY``
        on PostgreSQL); Django's per-object ``bulk_create`` compilation was most of
        an import's time. Parents still go first (the foreign keys are checked at
        commit anyway).
        """
        depth = {}

        def depth_of(org):
            if id(org) not in depth:
                parent = org.parent if org.parent_id or _unsaved_parent(org) else None
                depth[id(org)] = 0 if parent is None or parent.pk else depth_of(parent) + 1
            return depth[id(org)]

        orgs = sorted(self.new_orgs, key=depth_of)
        for org, pk in zip(orgs, reserve_ids(Organization, len(orgs)), strict=True):
            org.pk = pk
        for org in orgs:
            parent = org._state.fields_cache.get("parent")
            if parent is not None:
                org.parent_id = parent.pk
        insert_objects(Organization, orgs)
        for site, pk in zip(self.new_sites, reserve_ids(GovSite, len(self.new_sites)), strict=True):
            site.pk = pk
            site.organization_id = site.organization.pk
        insert_objects(GovSite, self.new_sites)
        by_fields = defaultdict(list)
        for site, changed in self.changed_sites.values():
            by_fields[tuple(sorted(changed))].append(site)
        now = timezone.now()
        for fields, sites in by_fields.items():
            for site in sites:
                site.updated_at = now
            GovSite.objects.bulk_update(sites, [*fields, "updated_at"], batch_size=500)
        self.write_log()

    def _log(self, instance, action, **data):
        """Queue an audit entry; :meth:`write_log` stores them all at once."""
        self._row_logs.append(
            (instance, action, {"source": "inventory_import", "file": self.source_name, **data})
        )

    def write_log(self):
        """One audit-log entry per created or changed record, in bulk.

        The same entries ``wagtail.log_actions.log`` writes (model, action, label,
        user, one UUID for the whole import), as value tuples in one statement per
        log model instead of one validated INSERT per record: an inventory has
        thousands of rows.
        """
        log_registry.scan_for_actions()
        by_model = defaultdict(list)
        for entry in self.log_entries:
            model = log_registry.get_log_model_for_instance(entry[0])
            if model is not None and log_registry.action_exists(entry[1]):
                by_model[model].append(entry)
        user_id = self.user.pk if self.user is not None else None
        for model, entries in by_model.items():
            field = model._meta.get_field
            timestamp = field("timestamp").get_db_prep_save(timezone.now(), connection)
            batch_uuid = field("uuid").get_db_prep_save(self.log_uuid, connection)
            prepare_data = field("data").get_db_prep_save
            content_types = {}
            rows = []
            for instance, action, data in entries:
                cls = type(instance)
                if cls not in content_types:
                    content_types[cls] = ContentType.objects.get_for_model(
                        instance, for_concrete_model=False
                    ).pk
                rows.append(
                    (
                        content_types[cls],
                        str(instance.pk),
                        str(instance),
                        action,
                        timestamp,
                        prepare_data(data, connection),
                        user_id,
                        batch_uuid,
                        None,
                        False,
                        False,
                    )
                )
            insert_rows(model, _LOG_COLUMNS, rows)


_LOG_COLUMNS = (
    "content_type_id",
    "object_id",
    "label",
    "action",
    "timestamp",
    "data",
    "user_id",
    "uuid",
    "revision_id",
    "content_changed",
    "deleted",
)


def _same_address(known, new):
    def key(url):
        return re.sub(r"^[a-z]+://", "", (url or "").lower()).rstrip("/")

    return bool(known and new) and key(known) == key(new)


def _unsaved_parent(org):
    return org._state.fields_cache.get("parent") is not None


def import_inventory(rows, *, dry_run=False, skip_invalid=False, user=None):
    """Import inventory rows as legacy site records; return an :class:`ImportResult`.

    All in one transaction. Rows are checked in memory against the registry and the
    rows before them; a rejected row leaves nothing behind, not even an
    organization created for it. Rows are rejected only when they identify no site
    or contradict the registry (see :func:`read_inventory`; a domain already used by
    an earlier row of the file, rule DOMAIN-5; an identifier code of another site,
    IDCODE-1). Unless ``skip_invalid``, one rejected row writes nothing; ``dry_run``
    writes nothing and reports exactly what a real run would do.
    """
    started = time.monotonic()
    source_name = getattr(rows, "name", "")
    rows = list(rows)
    result = ImportResult(total=len(rows), dry_run=dry_run, skip_invalid=skip_invalid)
    # Problems found while reading, plus duplicates within the file (rule: DOMAIN-5).
    # Kept here rather than on the rows so that the same rows can be imported twice
    # (a preview, then the real run).
    problems = {id(row): list(row.problems) for row in rows}
    first_line_of = {}
    for row in rows:
        if not row.domain:
            continue
        key = _domain_key(row.domain)
        if key in first_line_of:
            problems[id(row)].append(
                (
                    "DOMAIN-5",
                    _("DOMAIN-5：域名“%(domain)s”与第 %(line)s 行重复，一个域名只能登记一次。")
                    % {"domain": row.domain, "line": first_line_of[key]},
                )
            )
        else:
            first_line_of[key] = row.line

    with transaction.atomic():
        ctx = _ImportContext(rows, user, uuid.uuid4(), source_name)
        accepted = []
        for row in rows:
            if problems[id(row)]:
                _reject(result, row, problems[id(row)])
                continue
            ctx.begin_row()
            try:
                report, site = ctx.import_site(row)
            except RowRejected as exc:
                ctx.forget_row()
                _reject(result, row, exc.problems)
                continue
            ctx.commit_row()
            result.rows.append(report)
            counter = {
                CREATED: "created",
                CHANGED: "updated",
                MATCHED: "unchanged",
                SKIPPED: "on_platform",
            }[report.outcome]
            setattr(result, counter, getattr(result, counter) + 1)
            report.details.extend(message for _rule, message in row.notes)
            result.findings.extend(
                Finding(row.line, report.site, row.domain, rule_id, message)
                for rule_id, message in row.notes
            )
            if report.outcome != SKIPPED:
                accepted.append((row, site))
        index = FindingIndex(ctx.sites)
        for row, site in accepted:
            result.findings.extend(
                Finding(row.line, site.name, site.primary_domain, rule_id, message)
                for rule_id, message in index.findings(site)
            )
        result.organizations_created = ctx.organizations_created
        if dry_run or (result.rejected and not skip_invalid):
            transaction.set_rollback(True)
        else:
            ctx.write()
            result.committed = True
            transaction.on_commit(invalidate_host_cache)
    result.rejected.sort(key=lambda r: r.line)
    result.rows.sort(key=lambda r: r.line)
    result.seconds = time.monotonic() - started
    return result


def _reject(result, row, problems):
    result.rejected.append(RejectedRow(row.line, row.domain, problems))
    result.rows.append(
        RowReport(row.line, row.domain, SKIPPED, details=[message for _r, message in problems])
    )
