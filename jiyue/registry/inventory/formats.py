"""Reading a site inventory (网站清单): file formats, header aliases, row checks."""

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiyue.standards import validators

from ..models import (
    OrgType,
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
    # An English translation (ptc_local_websites.csv): matched to the Chinese
    # organization of the same place where one exists, never stored over a Chinese name.
    translated: bool = False
    province: str = ""  # translated rows: the province, and the place within it
    place: str = ""

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
    # Problems that leave nothing to record: the row is refused. [(rule_id, message)]
    problems: list = field(default_factory=list)
    # What was wrong in the file but could be read (a stray character, a typo in the
    # scheme, an unreadable cell that was left empty): reported, the row is kept.
    notes: list = field(default_factory=list)


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
        if not row.name and org_name:
            row.name = org_name + "网站"
            row.notes.append(
                (
                    "NAME-1",
                    _("NAME-1：缺少网站名称，暂以“%(name)s”登记，请补充。") % {"name": row.name},
                )
            )
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
            spec = OrgSpec(
                names=[place],
                org_type=OrgType.CITY_GOVERNMENT,
                type_guessed=False,
                translated=True,
                province=province,
            )
        else:
            # Under a municipality ("Beijing municipal government") the places are districts.
            municipal = "municipal" in top.lower()
            spec = OrgSpec(
                names=[f"{province} {place} People's Government".strip()],
                org_type=OrgType.DISTRICT_GOVERNMENT if municipal else OrgType.CITY_GOVERNMENT,
                type_guessed=False,
                parent_name=top,
                translated=True,
                province=province,
                place=place,
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


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):/+")
# Characters that cannot end or start a host name: spreadsheet leftovers such as
# "www.xiuning.gov.cn;" or a full-width comma.
_STRAY = re.compile(r"^[^0-9A-Za-z\[]+|[^0-9A-Za-z.\]]+$")


def read_address(cell):
    """``(domain, url, notes)`` from a domain or URL cell, repairing obvious slips.

    A misspelt scheme (``htttp://``) is read as http(s) and a stray character around
    the host (``www.xiuning.gov.cn;``) is dropped; each repair is a note naming the
    fault (rule: DOMAIN-6). The domain is lower-cased without its trailing dot; it
    may still break DOMAIN-1/6 (an IP address, ``.com``): those are findings of the
    record, not reasons to refuse it.
    """
    notes = []
    text = cell.strip()
    scheme = _SCHEME.match(text)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        letters = scheme.group(1).lower()
        if re.fullmatch(r"h+t+p+s?", letters) or re.fullmatch(r"[htps]{3,6}", letters):
            fixed = "https" if letters.endswith("s") else "http"
            notes.append(
                (
                    "DOMAIN-6",
                    _(
                        "DOMAIN-6：网址“%(url)s”的协议“%(scheme)s://”拼写有误，已按“%(fixed)s://”读取。"
                    )
                    % {"url": cell, "scheme": scheme.group(1), "fixed": fixed},
                )
            )
            text = fixed + "://" + text[scheme.end() :]
    has_scheme = "://" in text
    try:
        parts = urlsplit(text if has_scheme else "//" + text)
        host = parts.netloc.rsplit("@", 1)[-1]
    except ValueError:
        parts, host = None, text
    if host and not host.startswith("["):
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    clean = _STRAY.sub("", host)
    if clean != host and clean:
        stray = host.replace(clean, "", 1)
        notes.append(
            (
                "DOMAIN-6",
                _("DOMAIN-6：“%(cell)s”中有多余的字符“%(stray)s”，已按域名“%(domain)s”读取。")
                % {"cell": cell, "stray": stray, "domain": clean.lower()},
            )
        )
        text = text.replace(host, clean, 1)
    domain = validators.normalize_domain(clean.strip("[]"))
    url = text if has_scheme else ""
    return domain, url, notes


def _set_domain(row, domain_cell, url_cell):
    """Domain from the domain column, else from the URL (scheme, path and port stripped)."""
    source = domain_cell or url_cell
    if url_cell and "://" in url_cell:
        _d, row.legacy_url, _n = read_address(url_cell)
    if not source:
        return
    row.domain, url, notes = read_address(source)
    if url and not row.legacy_url:
        row.legacy_url = url
    row.notes.extend(notes)


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
    row.notes.append(
        ("SITE-4", _("SITE-4：机构类型“%(value)s”无法识别，已按名称推断。") % {"value": value}),
    )
    return "", True


def _clean_division_code(row, value):
    code = value.strip()
    if code and not (len(code) == 6 and code.isdigit()):
        row.notes.append(
            (
                "IDCODE-3",
                _("IDCODE-3：行政区划代码“%(value)s”应为6位数字（GB/T 2260），已忽略。")
                % {"value": value},
            )
        )
        return ""
    return code


def _check_row(row):
    """The checks that need no database.

    Only a row that identifies no site is refused (no domain or address, no
    organizer, no site type). What else is wrong is kept: the record's DOMAIN-1/6
    and IDCODE-3 problems are merge-plan findings, and an address that is not a URL
    is reported and left out.
    """
    if not row.domain:
        row.problems.append(
            ("DOMAIN-1", _("DOMAIN-1：缺少网站域名（或网址），无法识别是哪个网站。"))
        )
    if row.legacy_url:
        try:
            URLValidator()(row.legacy_url)
            if len(row.legacy_url) > 200:
                raise ValidationError("too long")
        except ValidationError:
            row.notes.append(
                (
                    "DOMAIN-6",
                    _("DOMAIN-6：网址“%(url)s”不是有效的网址，未登记为原网址。")
                    % {"url": row.legacy_url},
                )
            )
            row.legacy_url = ""
