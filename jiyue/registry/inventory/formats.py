"""The site inventory (网站清单) and the merge plan (整合计划) at a glance.

Consolidation starts from what exists: a list of the government websites running
today, outside the platform. This module reads such a list (CSV, in the project's
own columns or in the shapes of the public lists in ``shared/data/cn-gov-site-lists``),
validates every row against the national rules, and records each site as an
inventory (legacy, 存量) :class:`~jiyue.registry.models.GovSite`. The management
command ``import_sites`` and the admin upload form are thin wrappers around
:func:`read_inventory` and :func:`import_inventory`.

Legacy records are registered as they are: their naming, domain and "who may run a
site" problems are not reasons to refuse them — they are the very things the merge
plan has to fix. :func:`compliance_findings` lists those problems (by STANDARDS.md
rule ID) so the supervisor sees them; :func:`merge_plan_overview` computes the
figures of the admin's "整合计划" view.

Import guarantees: one transaction; a bad row (reported with its line number in the
file, header = line 1, and the rule ID) means nothing is written unless the caller
asked to skip bad rows; a dry run writes nothing; re-importing a file updates the
records matched by domain and never duplicates them.
"""

import codecs
import csv
import datetime
import io
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry as log_registry

from jiyue.standards import validators

from ..models import (
    GovSite,
    MergePlanSettings,
    Organization,
    OrgType,
    PlanAction,
    SiteStatus,
    SiteType,
)

# --- File formats --------------------------------------------------------------

#: The project's own columns: canonical field → accepted header spellings
#: (compared case-insensitively, with spaces and hyphens read as underscores).
HEADER_ALIASES = {
    "name": ("name", "site_name", "网站名称", "名称"),
    "domain": ("domain", "primary_domain", "域名", "英文域名", "网站域名"),
    "url": ("url", "网址", "网站地址", "首页网址", "legacy_url", "原网址"),
    "organization": (
        "organization",
        "organisation",
        "org",
        "主办单位",
        "机构名称",
        "主办单位名称",
    ),
    "division_code": ("division_code", "行政区划代码", "区划代码"),
    "site_type": ("type", "site_type", "网站类型"),
    "parent_organization": ("parent_organization", "parent", "上级机构", "上级单位"),
    "site_id_code": ("site_id_code", "网站标识码", "标识码"),
    "org_type": ("org_type", "机构类型"),
}

#: Column names shown in the "missing column" error.
REQUIRED_COLUMNS = {
    "name": gettext_lazy("网站名称（name）"),
    "domain": gettext_lazy("域名或网址（domain / url）"),
    "organization": gettext_lazy("主办单位（organization）"),
    "site_type": gettext_lazy("网站类型（type）"),
}

SITE_TYPE_VALUES = {
    "portal": SiteType.PORTAL,
    "门户网站": SiteType.PORTAL,
    "政府门户网站": SiteType.PORTAL,
    "门户": SiteType.PORTAL,
    "department": SiteType.DEPARTMENT,
    "部门网站": SiteType.DEPARTMENT,
    "部门": SiteType.DEPARTMENT,
    "special": SiteType.SPECIAL,
    "专项网站": SiteType.SPECIAL,
    "专项": SiteType.SPECIAL,
}

GOVERNMENT_TYPES = (OrgType.CITY_GOVERNMENT, OrgType.DISTRICT_GOVERNMENT)
DISTRICT_LEVEL_TYPES = (
    OrgType.DISTRICT_GOVERNMENT,
    OrgType.DISTRICT_DEPARTMENT,
    OrgType.TOWN_STREET,
)

#: English names in the national list (ptc_national_websites.csv) of organs whose
#: Chinese name the rest of that list does not give.
NATIONAL_ORGAN_NAMES = {
    "state council": "国务院",
    "spc": "最高人民法院",
    "spp": "最高人民检察院",
    "npc": "全国人民代表大会",
}
CENTRAL_PORTAL_ORGAN = "国务院"  # rule: DOMAIN-3 — the central portal www.gov.cn

FORMAT_LABELS = {
    "standard": gettext_lazy("网站清单（标准列）"),
    "division_list": gettext_lazy(
        "行政区划政府网站清单（division_code, name, gov_site_url, level）"
    ),
    "ptc_local": gettext_lazy("地方政府门户网站清单（Province, City/district, Url）"),
    "ptc_national": gettext_lazy("国家机关网站清单（Organ, Url）"),
}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class InventoryFormatError(Exception):
    """The file as a whole cannot be read (encoding, missing columns). Message in Chinese."""


@dataclass
class OrgSpec:
    """The organization a row names, and how to find its place in the hierarchy."""

    names: list  # candidate names, first preferred; more than one only for derived names
    org_type: str = ""
    type_guessed: bool = True
    division_code: str = ""
    parent_name: str = ""
    parent_codes: tuple = ()
    derived: bool = False  # name built from a division name: matched by division code first

    @property
    def is_government(self):
        return self.org_type in GOVERNMENT_TYPES


@dataclass
class InventoryRow:
    """One data row of an inventory file, normalised but not yet checked against the DB."""

    line: int
    name: str = ""
    domain: str = ""
    legacy_url: str = ""
    site_type: str = ""
    site_id_code: str = ""
    org: OrgSpec | None = None
    problems: list = field(default_factory=list)  # [(rule_id, message)]


@dataclass
class InventoryFile:
    """A read inventory: its rows, and how the file was understood."""

    rows: list
    source_format: str
    encoding: str
    name: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def format_label(self):
        return FORMAT_LABELS.get(self.source_format, self.source_format)


# --- Reading -------------------------------------------------------------------


def read_inventory(path_or_file, encoding=None):
    """Read an inventory CSV into an :class:`InventoryFile`.

    ``path_or_file`` is a path or an open file (text or binary, e.g. a Django
    upload). Without ``encoding`` the bytes are read as UTF-8 (with or without BOM)
    and otherwise as GB18030, the superset of GBK that spreadsheet software in China
    writes. Rows get their line number in the file (header = line 1).
    """
    name = ""
    if isinstance(path_or_file, str | Path):
        name = Path(path_or_file).name
        with open(path_or_file, "rb") as fh:
            data = fh.read()
    else:
        name = Path(getattr(path_or_file, "name", "") or "").name
        data = path_or_file.read()
    if isinstance(data, str):
        text, used = data, "unicode"
    else:
        text, used = decode_inventory_bytes(data, encoding)
    rows, source_format = parse_inventory_text(text)
    return InventoryFile(rows=rows, source_format=source_format, encoding=used, name=name)


def decode_inventory_bytes(data, encoding=None):
    """Return ``(text, encoding_used)``; raise :class:`InventoryFormatError` if undecodable."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InventoryFormatError(
                _("不支持的文件编码“%(enc)s”。") % {"enc": encoding}
            ) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise InventoryFormatError(
                _("无法按“%(enc)s”编码读取文件（第 %(pos)s 字节）：请确认文件编码。")
                % {"enc": encoding, "pos": exc.start}
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise InventoryFormatError(
            _("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV 文件。")
        ) from None


def _header_key(value):
    return re.sub(r"[\s\-]+", "_", (value or "").strip().lstrip("\ufeff").lower())


def _cell(values, index):
    if index is None or index >= len(values):
        return ""
    return values[index].replace("\u3000", " ").strip()


def parse_inventory_text(text):
    """Split CSV text into :class:`InventoryRow` objects; return ``(rows, format)``."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InventoryFormatError(_("文件是空的：没有表头行。")) from None
    keys = [_header_key(h) for h in header]
    records = []
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if any(v.strip() for v in values):
            records.append((start, values))

    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    if {"division_code", "name", "gov_site_url", "level"} <= index.keys():
        return _parse_division_list(records, index), "division_list"
    if {"province", "city/district", "url"} <= index.keys():
        return _parse_ptc_local(records, index), "ptc_local"
    if {"organ", "url"} <= index.keys() and "organization" not in index:
        return _parse_ptc_national(records, index), "ptc_national"
    return _parse_standard(records, keys), "standard"


def _column_map(keys):
    columns = {}
    for canonical, aliases in HEADER_ALIASES.items():
        wanted = {_header_key(a) for a in aliases}
        for i, key in enumerate(keys):
            if key in wanted:
                columns[canonical] = i
                break
    return columns


def _parse_standard(records, keys):
    columns = _column_map(keys)
    missing = [
        label
        for canonical, label in REQUIRED_COLUMNS.items()
        if canonical not in columns and not (canonical == "domain" and "url" in columns)
    ]
    if missing:
        raise InventoryFormatError(
            _("缺少必需的列：%(cols)s。可用的列名见使用说明（中英文均可）。")
            % {"cols": "、".join(str(label) for label in missing)}
        )
    rows = []
    for line, values in records:
        get = {c: _cell(values, i) for c, i in columns.items()}
        row = InventoryRow(line=line, name=get.get("name", ""))
        _set_domain(row, get.get("domain", ""), get.get("url", ""))
        _set_site_type(row, get.get("site_type", ""))
        row.site_id_code = get.get("site_id_code", "")
        code = _clean_division_code(row, get.get("division_code", ""))
        org_name = get.get("organization", "")
        if not org_name:
            row.problems.append(("SITE-8", _("SITE-8：缺少主办单位（organization）。")))
        org_type, guessed = _org_type_from_cell(row, get.get("org_type", ""))
        if not org_type:
            org_type = guess_org_type(org_name, row.site_type, code)
        row.org = OrgSpec(
            names=[org_name],
            org_type=org_type,
            type_guessed=guessed,
            division_code=code,
            parent_name=get.get("parent_organization", ""),
            parent_codes=_parent_codes(code, government=org_type in GOVERNMENT_TYPES),
        )
        _check_row(row)
        rows.append(row)
    return rows


def _parse_division_list(records, index):
    """Laosheng's 中国千县政府网: one government portal per administrative division."""
    division_names = {}
    for _line, values in records:
        code = _cell(values, index["division_code"])
        division_names.setdefault(code, _cell(values, index["name"]))
    name_count = Counter(division_names.values())
    rows = []
    for line, values in records:
        division = _cell(values, index["name"])
        row = InventoryRow(line=line)
        code = _clean_division_code(row, _cell(values, index["division_code"]))
        level = _cell(values, index["level"]).lower() or _level_of(code)
        _set_domain(row, "", _cell(values, index["gov_site_url"]))
        row.site_type = SiteType.PORTAL
        org_type = OrgType.DISTRICT_GOVERNMENT if level == "county" else OrgType.CITY_GOVERNMENT
        plain = government_name(division)
        names = [plain]
        # Province-level entries (新疆生产建设兵团 659000 too) have no parent here.
        parent_codes = () if level == "province" else _parent_codes(code, government=True)
        parents = [division_names[c] for c in parent_codes if c in division_names]
        if parents:
            names.append(parents[0] + plain)
            if len(parents) > 1:
                names.append(parents[-1] + parents[0] + plain)
        if name_count[division] > 1 and len(names) > 1:
            names = names[1:]  # the same name twice in the list: qualify every one
        row.org = OrgSpec(
            names=names,
            org_type=org_type,
            type_guessed=False,
            division_code=code,
            parent_codes=parent_codes,
            derived=True,
        )
        row.name = names[0] + "门户网站"
        if not division:
            row.problems.append(("NAME-1", _("NAME-1：缺少行政区划名称（name）。")))
        _check_row(row)
        rows.append(row)
    return rows


def _parse_ptc_local(records, index):
    """Provincial and prefecture portals by province (Policy-Transparency-China)."""
    tops = {}
    for _line, values in records:
        province = _cell(values, index["province"])
        place = _cell(values, index["city/district"])
        if "government" in place.lower():
            tops.setdefault(province, place)
    rows = []
    for line, values in records:
        province = _cell(values, index["province"])
        place = _cell(values, index["city/district"])
        row = InventoryRow(line=line)
        _set_domain(row, "", _cell(values, index["url"]))
        row.site_type = SiteType.PORTAL
        top = tops.get(province, "")
        if place == top:
            spec = OrgSpec(names=[place], org_type=OrgType.CITY_GOVERNMENT, type_guessed=False)
        else:
            # Under a municipality ("Beijing municipal government") the places are districts.
            municipal = "municipal" in top.lower()
            spec = OrgSpec(
                names=[f"{province} {place} People's Government".strip()],
                org_type=OrgType.DISTRICT_GOVERNMENT if municipal else OrgType.CITY_GOVERNMENT,
                type_guessed=False,
                parent_name=top,
            )
        row.org = spec
        row.name = spec.names[0] + "门户网站"
        if not place:
            row.problems.append(("NAME-1", _("NAME-1：缺少地方名称（City/district）。")))
        _check_row(row)
        rows.append(row)
    return rows


def _parse_ptc_national(records, index):
    """Central organs: the State Council portal and the departments' sites."""
    rows = []
    for line, values in records:
        organ = _cell(values, index["organ"]).strip("()（） ")
        organ = NATIONAL_ORGAN_NAMES.get(organ.lower(), organ)
        row = InventoryRow(line=line)
        _set_domain(row, "", _cell(values, index["url"]))
        if organ == CENTRAL_PORTAL_ORGAN:
            row.site_type, org_type, suffix = SiteType.PORTAL, OrgType.CITY_GOVERNMENT, "门户网站"
        else:
            row.site_type, org_type, suffix = SiteType.DEPARTMENT, OrgType.DEPARTMENT, "网站"
        row.org = OrgSpec(names=[organ], org_type=org_type, type_guessed=False)
        row.name = organ + suffix
        if not organ:
            row.problems.append(("SITE-8", _("SITE-8：缺少机关名称（Organ）。")))
        _check_row(row)
        rows.append(row)
    return rows


def government_name(division):
    """The government organ of an administrative division, by its kind of name."""
    if not division:
        return ""
    if division.endswith(("地区", "盟")):
        return division + "行政公署"
    if division.endswith("特别行政区"):
        return division + "政府"
    if division.endswith(("兵团", "师")):
        return division  # 新疆生产建设兵团 and its 师 are not 人民政府
    return division + "人民政府"


def guess_org_type(org_name, site_type, division_code):
    """An organization's type from its name, its site's type and its division code."""
    if re.search(r"(乡|镇|街道)(人民政府|办事处)?$", org_name or ""):
        return OrgType.TOWN_STREET
    if site_type == SiteType.PORTAL or (org_name or "").endswith(("人民政府", "行政公署")):
        if division_code and not division_code.endswith("00"):
            return OrgType.DISTRICT_GOVERNMENT
        return OrgType.CITY_GOVERNMENT
    return OrgType.DEPARTMENT


def _level_of(code):
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def _parent_codes(code, government):
    """Division codes where the organization's parent government may be, nearest first.

    A government's parent is the government one level up (county → prefecture
    ``XXXX00`` → province ``XX0000``; where a county has no prefecture, the province);
    a department's parent is the government of its own division.
    """
    if not code:
        return ()
    candidates = [code[:4] + "00", code[:2] + "0000"]
    if government:
        candidates = [c for c in candidates if c != code]
    else:
        candidates = [code, *candidates]
    return tuple(dict.fromkeys(candidates))


def _set_domain(row, domain_cell, url_cell):
    """Domain from the domain column, else from the URL (scheme, path and port stripped)."""
    source = domain_cell or url_cell
    if url_cell and "://" in url_cell:
        row.legacy_url = url_cell
    elif domain_cell and "://" in domain_cell:
        row.legacy_url = domain_cell
    if not source:
        return
    try:
        host = urlsplit(source if "://" in source else "//" + source).hostname or ""
    except ValueError:
        host = source
    row.domain = validators.normalize_domain(host)


def _set_site_type(row, value):
    key = value.strip().lower()
    site_type = SITE_TYPE_VALUES.get(key)
    if site_type is None:
        if not key:
            message = _("SITE-1：缺少网站类型，应为门户网站、部门网站或专项网站。")
        else:
            message = _(
                "SITE-1：网站类型“%(value)s”无法识别，应为门户网站（portal）、"
                "部门网站（department）或专项网站（special）。"
            ) % {"value": value}
        row.problems.append(("SITE-1", message))
        return
    row.site_type = site_type


def _org_type_from_cell(row, value):
    if not value:
        return "", True
    for choice in OrgType:
        if value.lower() in (choice.value, str(choice.label)):
            return choice.value, False
    row.problems.append(
        ("", _("机构类型“%(value)s”无法识别。") % {"value": value}),
    )
    return "", True


def _clean_division_code(row, value):
    code = value.strip()
    if code and not (len(code) == 6 and code.isdigit()):
        row.problems.append(
            ("", _("行政区划代码“%(value)s”应为6位数字（GB/T 2260）。") % {"value": value})
        )
        return ""
    return code


def _check_row(row):
    """The checks that need no database: name, domain, identifier code."""
    if not row.name:
        row.problems.append(("NAME-1", _("NAME-1：缺少网站名称。")))
    if not row.domain:
        row.problems.append(("DOMAIN-1", _("DOMAIN-1：缺少网站域名（或网址）。")))
    else:
        _collect(row.problems, validators.validate_gov_domain, row.domain)
    if row.site_id_code:
        _collect(row.problems, validators.validate_site_id_code, row.site_id_code)
    if row.legacy_url:
        try:
            URLValidator()(row.legacy_url)
        except ValidationError:
            row.problems.append(
                ("", _("网址“%(url)s”格式不正确，请核对。") % {"url": row.legacy_url})
            )


# --- Rule IDs in messages -------------------------------------------------------

_RULE_PREFIX = re.compile(r"^([A-Z]+(?:-[A-Z]+)*-\d+)[：:]")
# Django's own messages (unique, constraint) carry no rule ID; the field tells it.
FIELD_RULES = {
    "primary_domain": "DOMAIN-5",
    "site_id_code": "IDCODE-1",
    "organization": "SITE-3",
    "name": "NAME-1",
    "site_type": "SITE-1",
}


def rule_of(message, default=""):
    """The STANDARDS.md rule ID a message starts with (``"DOMAIN-1：…"``)."""
    match = _RULE_PREFIX.match(str(message))
    return match.group(1) if match else default


def _collect(problems, func, *args):
    try:
        return func(*args)
    except ValidationError as exc:
        problems.extend((rule_of(m), m) for m in exc.messages)
        return None


def _integrity_rule(exc):
    return "SITE-3" if "one_active_site_per_org" in str(exc) else ""


def _integrity_message(exc):
    if _integrity_rule(exc) == "SITE-3":
        return _("SITE-3：该主办单位已有运行中的网站，一个单位只能开设一个网站。")
    return _("数据库拒绝了这一行：%(error)s") % {"error": exc}


def _problems_from(exc, model):
    """``[(rule_id, message)]`` from a model's ValidationError, labelled by field."""
    problems = []
    for field_name, messages in exc.message_dict.items():
        for message in messages:
            rule_id = rule_of(message)
            if rule_id or field_name == "__all__":
                problems.append((rule_id, message))
                continue
            label = model._meta.get_field(field_name).verbose_name
            problems.append((FIELD_RULES.get(field_name, ""), f"{label}：{message}"))
    return problems


# --- Compliance findings ----------------------------------------------------------

_LOOKUP = object()


def compliance_findings(site, *, parent_portal=_LOOKUP):
    """The rules a site record breaks, as ``[(rule_id, message)]``.

    For platform sites the model refuses these; inventory (legacy) records are kept
    as they are and their problems become work items of the merge plan. Checked:
    DOMAIN-1/6 (domain), IDCODE-3 (identifier code), NAME-1 (name carries the
    organization's name), SITE-4 (towns/streets and units run no site of their own),
    SITE-3 (the organization runs another active site), DOMAIN-4 (a department's
    domain sits under its portal's) and IDCODE-4 (the code
    starts with the organization's division code). ``parent_portal`` may be passed
    by callers that already know it, to save the lookup.
    """
    findings = []
    org = site.organization
    _collect(findings, validators.validate_gov_domain, site.primary_domain)
    if site.site_id_code:
        _collect(findings, validators.validate_site_id_code, site.site_id_code)
    _collect(findings, validators.validate_site_name, site.name, org.name)
    errors = {}
    site.check_org_may_have_site(org, errors)  # rule: SITE-4, the model's own check
    findings.extend((rule_of(m, "SITE-4"), str(m)) for m in errors.get("organization", []))
    duplicate = site.other_active_site_message(org, include_legacy=True)
    if duplicate:
        findings.append(("SITE-3", str(duplicate)))
    if site.site_type == SiteType.DEPARTMENT:
        portal = site.parent_portal() if parent_portal is _LOOKUP else parent_portal
        if portal is not None:
            # rule: DOMAIN-4 — an error or (configured) a warning; both are findings here.
            warning = _collect(
                findings,
                validators.validate_department_domain,
                site.primary_domain,
                portal.primary_domain,
            )
            if warning:
                findings.append(("DOMAIN-4", str(warning)))
    code = site.site_id_code or ""
    division = site.division_code
    if division and len(code) == 10 and code.isdigit() and not code.startswith(division):
        # rule: IDCODE-4 — a prefix differing from the organization's division code warns.
        findings.append(
            (
                "IDCODE-4",
                _("IDCODE-4：网站标识码“%(code)s”的前6位与主办单位行政区划代码“%(div)s”不一致。")
                % {"code": code, "div": division},
            )
        )
    return findings


# --- Importing ---------------------------------------------------------------------


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
    dry_run: bool = False
    skip_invalid: bool = False
    committed: bool = False
    seconds: float = 0.0

    @property
    def accepted(self):
        return self.created + self.updated + self.unchanged + self.on_platform

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


class _ImportContext:
    """In-memory indexes of organizations and sites, kept in step with the transaction.

    Entries added while a row is processed are forgotten again if that row is
    rejected (its savepoint is rolled back), so a later row never sees them.
    """

    def __init__(self, rows, user, log_uuid, source_name):
        self.user = user
        self.log_uuid = log_uuid
        self.source_name = source_name
        self.orgs_by_name = {}
        self.govs_by_code = {}
        for org in Organization.objects.all():
            self.orgs_by_name[org.name] = org
            if org.division_code and org.org_type in GOVERNMENT_TYPES:
                self.govs_by_code.setdefault(org.division_code, org)
        self.sites_by_domain = {
            s.primary_domain: s for s in GovSite.objects.select_related("organization")
        }
        # Specs the file itself gives, to create a parent named by a later row.
        self.file_specs_by_name = {}
        self.file_gov_specs_by_code = {}
        for row in rows:
            if row.org is None:
                continue
            self.file_specs_by_name.setdefault(row.org.names[0], row.org)
            if row.org.is_government and row.org.division_code:
                self.file_gov_specs_by_code.setdefault(row.org.division_code, row.org)
        self._added = []
        self._row_logs = []
        self.log_entries = []
        self.organizations_created = 0

    def begin_row(self):
        self._added = []
        self._row_logs = []
        self._orgs_created_in_row = 0

    def forget_row(self):
        for mapping, key in self._added:
            mapping.pop(key, None)
        self._added = []
        self._row_logs = []

    def commit_row(self):
        self.organizations_created += self._orgs_created_in_row
        self.log_entries.extend(self._row_logs)

    def _remember(self, mapping, key, value):
        if key not in mapping:
            mapping[key] = value
            self._added.append((mapping, key))

    # Organizations ---------------------------------------------------------------

    def organization_for(self, spec, depth=0):
        if depth > 8:
            return None
        if not spec.derived:
            org = self.orgs_by_name.get(spec.names[0])
            if org is not None:
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
                    "",
                    _("机构名称“%(name)s”已被行政区划代码不同的机构使用。")
                    % {"name": spec.names[0]},
                )
            ]
        )

    def _parent_for(self, spec, depth):
        if spec.parent_name:
            parent = self.orgs_by_name.get(spec.parent_name)
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
        org = Organization(
            name=name, org_type=org_type, division_code=spec.division_code, parent=parent
        )
        try:
            org.full_clean()
            org.save()
        except ValidationError as exc:
            raise RowRejected(_problems_from(exc, Organization)) from None
        except IntegrityError as exc:
            raise RowRejected([("", _integrity_message(exc))]) from None
        self._log(org, "wagtail.create")
        self._remember(self.orgs_by_name, org.name, org)
        if org.division_code and org.org_type in GOVERNMENT_TYPES:
            self._remember(self.govs_by_code, org.division_code, org)
        self._orgs_created_in_row += 1
        return org

    # Sites ---------------------------------------------------------------------------

    def import_site(self, row):
        """Create or update the legacy record of ``row``; return the outcome and site."""
        org = self.organization_for(row.org)
        site = self.sites_by_domain.get(row.domain)
        if site is not None and not site.is_legacy:
            return "on_platform", site
        values = {"name": row.name, "site_type": row.site_type, "organization": org}
        # Empty optional cells never wipe what the registry already knows.
        if row.legacy_url:
            values["legacy_url"] = row.legacy_url
        if row.site_id_code:
            values["site_id_code"] = row.site_id_code
        if site is None:
            site = GovSite(
                primary_domain=row.domain,
                is_legacy=True,
                status=SiteStatus.ONLINE,  # running today, outside the platform
                **values,
            )
            changed = list(values)
            outcome = "created"
        else:
            changed = [k for k, v in values.items() if getattr(site, k) != v]
            if not changed:
                return "unchanged", site
            for key in changed:
                setattr(site, key, values[key])
            outcome = "updated"
        try:
            # GovSite.clean checks "one organization, one active site" itself (rule:
            # SITE-3); the database constraint behind it is not validated a second time
            # here (one more query per row) but still guards the INSERT.
            site.full_clean(validate_constraints=False)
            site.save()
        except ValidationError as exc:
            self.sites_by_domain.pop(row.domain, None)
            raise RowRejected(_problems_from(exc, GovSite)) from None
        except IntegrityError as exc:
            self.sites_by_domain.pop(row.domain, None)
            raise RowRejected([(_integrity_rule(exc), _integrity_message(exc))]) from None
        self._remember(self.sites_by_domain, site.primary_domain, site)
        action = "wagtail.create" if outcome == "created" else "wagtail.edit"
        self._log(site, action, line=row.line, changed=changed)
        return outcome, site

    def _log(self, instance, action, **data):
        """Queue an audit entry; :meth:`write_log` stores them all at once."""
        self._row_logs.append(
            (instance, action, {"source": "inventory_import", "file": self.source_name, **data})
        )

    def write_log(self):
        """One audit-log entry per created or changed record, in bulk.

        The same entries ``wagtail.log_actions.log`` writes (model, action, label,
        user, one UUID for the whole import), but in a few INSERTs instead of one
        validated INSERT per record: an inventory has thousands of rows.
        """
        now = timezone.now()
        by_model = defaultdict(list)
        log_registry.scan_for_actions()
        for instance, action, data in self.log_entries:
            model = log_registry.get_log_model_for_instance(instance)
            if model is None or not log_registry.action_exists(action):
                continue
            by_model[model].append(
                model(
                    content_type=ContentType.objects.get_for_model(
                        instance, for_concrete_model=False
                    ),
                    object_id=str(instance.pk),
                    label=str(instance),
                    action=action,
                    data=data,
                    timestamp=now,
                    user=self.user,
                    uuid=self.log_uuid,
                )
            )
        for model, entries in by_model.items():
            model.objects.bulk_create(entries, batch_size=500)


def import_inventory(rows, *, dry_run=False, skip_invalid=False, user=None):
    """Import inventory rows as legacy site records; return an :class:`ImportResult`.

    All in one transaction. Each row runs in its own savepoint so that a rejected
    row leaves nothing behind, not even an organization created for it. Rows are
    rejected for the problems found while reading (see :func:`read_inventory`), a
    domain already used by an earlier row of the file (rule: DOMAIN-5), or the
    model's validation (``full_clean``: SITE-3, identifier code uniqueness …).
    Unless ``skip_invalid``, one rejected row rolls everything back; ``dry_run``
    always rolls back, so it reports exactly what a real run would do.
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
        if row.domain in first_line_of:
            problems[id(row)].append(
                (
                    "DOMAIN-5",
                    _("DOMAIN-5：域名“%(domain)s”与第 %(line)s 行重复，一个域名只能登记一次。")
                    % {"domain": row.domain, "line": first_line_of[row.domain]},
                )
            )
        else:
            first_line_of[row.domain] = row.line

    with transaction.atomic():
        ctx = _ImportContext(rows, user, uuid.uuid4(), source_name)
        for row in rows:
            if problems[id(row)]:
                result.rejected.append(RejectedRow(row.line, row.domain, problems[id(row)]))
                continue
            ctx.begin_row()
            try:
                with transaction.atomic():
                    outcome, site = ctx.import_site(row)
                    findings = compliance_findings(site)
            except RowRejected as exc:
                ctx.forget_row()
                result.rejected.append(RejectedRow(row.line, row.domain, exc.problems))
                continue
            ctx.commit_row()
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.findings.extend(
                Finding(row.line, site.name, site.primary_domain, rule_id, message)
                for rule_id, message in findings
            )
        result.organizations_created = ctx.organizations_created
        ctx.write_log()
        if dry_run or (result.rejected and not skip_invalid):
            transaction.set_rollback(True)
        else:
            result.committed = True
    result.rejected.sort(key=lambda r: r.line)
    result.seconds = time.monotonic() - started
    return result


# --- The merge plan at a glance --------------------------------------------------------

DONE_STATUSES = (SiteStatus.MERGED, SiteStatus.CLOSED)
PLANNED_ACTIONS = (PlanAction.MERGE, PlanAction.CLOSE)


@dataclass
class DeadlineProgress:
    label: str
    deadline: datetime.date | None
    total: int = 0
    done: int = 0
    remaining: int = 0
    overdue: int = 0

    @property
    def percent_done(self):
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class OverdueSite:
    site: GovSite
    deadline: datetime.date
    days: int


@dataclass
class DistrictCount:
    code: str
    name: str
    total: int = 0
    legacy: int = 0
    remaining: int = 0


@dataclass
class MergePlanOverview:
    """The figures of the "整合计划" view; see :func:`merge_plan_overview`."""

    today: datetime.date
    settings: MergePlanSettings
    total: int = 0
    by_status: list = field(default_factory=list)  # [(label, count)]
    by_type: list = field(default_factory=list)
    by_action: list = field(default_factory=list)
    on_platform: int = 0
    legacy: int = 0
    registered_only: int = 0
    by_district: list = field(default_factory=list)  # [DistrictCount]
    in_plan: int = 0
    done: int = 0
    undecided: int = 0
    deadlines: list = field(default_factory=list)  # [DeadlineProgress]
    overdue: list = field(default_factory=list)  # [OverdueSite]
    findings_by_rule: list = field(default_factory=list)  # [(rule_id, count)]
    sites_with_findings: int = 0

    @property
    def remaining(self):
        return self.in_plan - self.done

    @property
    def percent_done(self):
        return round(100 * self.done / self.in_plan) if self.in_plan else 0


def is_district_level(org):
    """True when ``org`` sits in a district (区及以下): the district deadline applies."""
    for node in [org, *org.ancestors()]:
        if node.org_type in DISTRICT_LEVEL_TYPES:
            return True
    return False


def effective_deadline(site, plan_settings):
    """The site's own deadline, else the supervisor's default for its level."""
    if site.plan_deadline:
        return site.plan_deadline
    if is_district_level(site.organization):
        return plan_settings.district_deadline
    return plan_settings.department_deadline


def in_merge_plan(site):
    """Counted by the plan: to be merged or closed, or already merged or closed."""
    return site.plan_action in PLANNED_ACTIONS or site.status in DONE_STATUSES


def _wire_organizations():
    """All organizations with their parents attached in memory (no query per ancestor)."""
    orgs = {org.pk: org for org in Organization.objects.all()}
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        if parent is not None:
            org.parent = parent
    return orgs


def merge_plan_overview(today=None, with_findings=True):
    """The figures of the supervisor's "整合计划" view, from the whole registry.

    Two queries (organizations, sites), the rest in memory: an inventory has
    thousands of sites. ``with_findings=False`` skips the compliance check (the
    dashboard panel does not show it).
    """
    overview = MergePlanOverview(
        today=today or timezone.localdate(), settings=MergePlanSettings.load()
    )
    orgs = _wire_organizations()
    sites = list(GovSite.objects.select_related("plan_target").order_by("name"))
    for site in sites:
        site.organization = orgs[site.organization_id]
    statuses = Counter(s.status for s in sites)
    types = Counter(s.site_type for s in sites)
    actions = Counter(s.plan_action for s in sites)
    overview.total = len(sites)
    overview.by_status = [(c.label, statuses[c.value]) for c in SiteStatus]
    overview.by_type = [(c.label, types[c.value]) for c in SiteType]
    overview.by_action = [(c.label, actions[c.value]) for c in PlanAction]
    overview.on_platform = sum(1 for s in sites if s.wagtail_site_id)
    overview.legacy = sum(1 for s in sites if s.is_legacy)
    overview.registered_only = sum(1 for s in sites if not s.wagtail_site_id and not s.is_legacy)
    overview.undecided = sum(
        1
        for s in sites
        if s.is_legacy and s.plan_action == PlanAction.UNDECIDED and s.status not in DONE_STATUSES
    )
    _count_progress(overview, sites)
    _count_districts(overview, sites, orgs)
    if with_findings:
        _count_findings(overview, sites)
    return overview


def _count_progress(overview, sites):
    """Done, remaining and overdue per deadline (rule: the supervisor's MergePlanSettings)."""
    plan_settings, today = overview.settings, overview.today
    department = DeadlineProgress(_("市级部门"), plan_settings.department_deadline)
    district = DeadlineProgress(_("区及以下"), plan_settings.district_deadline)
    own = DeadlineProgress(_("单独设定期限"), None)
    for site in sites:
        if not in_merge_plan(site):
            continue
        if site.plan_deadline:
            group = own
        elif is_district_level(site.organization):
            group = district
        else:
            group = department
        overview.in_plan += 1
        group.total += 1
        if site.status in DONE_STATUSES:
            overview.done += 1
            group.done += 1
            continue
        group.remaining += 1
        deadline = effective_deadline(site, plan_settings)
        if deadline < today:
            group.overdue += 1
            overview.overdue.append(OverdueSite(site, deadline, (today - deadline).days))
    overview.overdue.sort(key=lambda o: (-o.days, o.site.name))
    overview.deadlines = [department, district, own]


def _count_districts(overview, sites, orgs):
    """Sites per division code, named after that division's government (区域)."""
    names = {}
    for org in sorted(orgs.values(), key=lambda o: o.org_type not in GOVERNMENT_TYPES):
        if org.division_code:
            names.setdefault(org.division_code, org.name)
    districts = {}
    for site in sites:
        code = site.division_code
        entry = districts.get(code)
        if entry is None:
            entry = districts[code] = DistrictCount(code, names.get(code, ""))
        entry.total += 1
        entry.legacy += int(site.is_legacy)
        entry.remaining += int(in_merge_plan(site) and site.status not in DONE_STATUSES)
    overview.by_district = sorted(districts.values(), key=lambda d: (d.code == "", d.code))


def _count_findings(overview, sites):
    portals_by_org = defaultdict(list)
    for site in sites:
        if site.site_type == SiteType.PORTAL and site.status not in DONE_STATUSES:
            portals_by_org[site.organization_id].append(site)
    findings = Counter()
    for site in sites:
        if site.status in DONE_STATUSES:
            continue  # merged or closed: nothing left to fix
        site_findings = compliance_findings(
            site, parent_portal=_parent_portal_in_memory(site, portals_by_org)
        )
        if site_findings:
            overview.sites_with_findings += 1
            findings.update(rule_id for rule_id, _m in site_findings)
    overview.findings_by_rule = sorted(findings.items())


def _parent_portal_in_memory(site, portals_by_org):
    """:meth:`GovSite.parent_portal` over preloaded data (one walk, no queries)."""
    if site.site_type != SiteType.DEPARTMENT:
        return None
    for org in [site.organization, *site.organization.ancestors()]:
        for portal in portals_by_org.get(org.pk, ()):
            if portal.pk != site.pk:
                return portal
    return None
