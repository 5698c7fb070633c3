"""Validators for registry data. Each error message starts with the rule ID.

They raise :class:`django.core.exceptions.ValidationError` with messages in the
active language (the admin's); the IDs let an editor find the rule in the docs.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .rules import rule
from .spreadsheets import FORMULA_PREFIXES


def normalize_domain(value):
    """Lower-case and strip one trailing dot (rule: DOMAIN-6)."""
    return (value or "").strip().lower().rstrip(".")


def _ip_address(domain):
    if not domain or not (domain[0].isdigit() or domain[0] in "[:"):
        return None  # a host name (checked for thousands of inventory records)
    try:
        return ipaddress.ip_address(domain.strip("[]"))
    except ValueError:
        return None


def validate_gov_domain(value):
    """An English domain must end in .gov.cn and be well formed (rule: DOMAIN-1, DOMAIN-6).

    The message names the actual fault: an IP address instead of a host name, text
    after ``.gov.cn`` (a typo such as ``gov.cnn16``), a character a host name cannot
    hold, or another suffix.
    """
    domain = normalize_domain(value)
    if _ip_address(domain) is not None:
        raise ValidationError(
            _("DOMAIN-6：“%(value)s”是 IP 地址而不是域名，政府网站应使用 .gov.cn 域名访问。"),
            code="domain_ip",
            params={"value": value},
        )
    typo = re.search(r"\.gov\.cn([^.].*)$", domain)
    if typo and not domain.endswith(".gov.cn"):
        raise ValidationError(
            _("DOMAIN-6：域名“%(value)s”在 .gov.cn 之后多出“%(extra)s”，疑为录入错误。"),
            code="domain_trailing",
            params={"value": value, "extra": typo.group(1)},
        )
    if not domain.endswith(".gov.cn"):
        raise ValidationError(
            _("DOMAIN-1：政府网站英文域名必须以 .gov.cn 结尾，“%(value)s”不符合。"),
            code="domain_suffix",
            params={"value": value},
        )
    if not re.match(rule("DOMAIN-6"), domain):
        bad = sorted(set(re.sub(r"[a-z0-9.-]", "", domain)))
        if bad:
            raise ValidationError(
                _("DOMAIN-6：域名“%(value)s”含有域名中不允许的字符“%(chars)s”。"),
                code="domain_syntax",
                params={"value": value, "chars": "".join(bad)},
            )
        raise ValidationError(
            _("DOMAIN-6：域名“%(value)s”格式不正确（只能包含小写字母、数字、连字符和点）。"),
            code="domain_syntax",
            params={"value": value},
        )
    return domain


def validate_chinese_domain(value):
    """The optional Chinese domain ends in .政务 (rule: DOMAIN-2)."""
    domain = (value or "").strip().rstrip(".")
    if domain and not domain.endswith(".政务"):
        raise ValidationError(
            _("DOMAIN-2：中文域名必须以“.政务”结尾，“%(value)s”不符合。"),
            code="chinese_domain",
            params={"value": value},
        )
    return domain


def is_subdomain_of(domain, parent_domain):
    """True when ``domain`` sits under the registrable part of ``parent_domain``.

    A portal ``www.beijing.gov.cn`` makes ``beijing.gov.cn`` the zone its
    departments live in (rule: DOMAIN-4: 保定市水利局 ``slj.bd.gov.cn``).
    """
    domain = normalize_domain(domain)
    zone = normalize_domain(parent_domain)
    if zone.startswith("www."):
        zone = zone[4:]
    return domain != zone and domain.endswith("." + zone)


def validate_department_domain(domain, portal_domain):
    """A department site lives under its portal's domain (rule: DOMAIN-4)."""
    if portal_domain and not is_subdomain_of(domain, portal_domain):
        message = _("DOMAIN-4：部门网站域名“%(domain)s”应为本级门户网站“%(portal)s”的下级域名。")
        if rule("DOMAIN-4") == "error":
            raise ValidationError(
                message,
                code="department_domain",
                params={"domain": domain, "portal": portal_domain},
            )
        return message % {"domain": domain, "portal": portal_domain}
    return None


def validate_site_id_code(value):
    """网站标识码 format (rule: IDCODE-3, configurable as CONFIG-4)."""
    code = (value or "").strip()
    if not re.match(rule("IDCODE-3"), code):
        raise ValidationError(
            _("IDCODE-3：网站标识码“%(value)s”格式不正确（应为10位数字，或 bm 加8位数字）。"),
            code="site_id_code",
            params={"value": value},
        )
    return code


def validate_site_name(name, organization_name):
    """A site is named after its organisation (rule: NAME-1)."""
    if organization_name and organization_name not in (name or ""):
        raise ValidationError(
            _("NAME-1：网站名称“%(name)s”必须包含主办单位名称“%(org)s”。"),
            code="site_name",
            params={"name": name, "org": organization_name},
        )


# rule: SITE-7, FOOTER-2 — filing numbers. Formats are [inferred] and configurable
# (rule("SITE-7"), CONFIG-1). A value is compared as typed, after trimming: full-width
# digits or a leading "=" are refused, not repaired.
_FILING_MESSAGES = {
    "icp_no": _lazy(
        "SITE-7：ICP备案编号“%(value)s”格式不正确，应如“京ICP备05070602号”或“京ICP备05070602号-1”。"
    ),
    "psb_no": _lazy(
        "SITE-7：公安机关备案号“%(value)s”格式不正确，应如“京公网安备 11010502030123号”。"
    ),
    "psb_record_code": _lazy(
        "FOOTER-2：公安机关备案记录编码“%(value)s”格式不正确，应为14位数字，如“11010502030123”。"
    ),
}


def _validate_filing(kind, value):
    text = (value or "").strip()
    if not re.fullmatch(rule("SITE-7")[kind], text):
        raise ValidationError(_FILING_MESSAGES[kind], code=kind, params={"value": value})
    return text


def validate_icp_no(value):
    """ICP备案编号 (rule: SITE-7, FOOTER-2), e.g. 京ICP备05070602号-1."""
    return _validate_filing("icp_no", value)


def validate_psb_no(value):
    """公安机关备案号 (rule: SITE-7, FOOTER-2), e.g. 京公网安备 11010502030123号."""
    return _validate_filing("psb_no", value)


def validate_psb_record_code(value):
    """The record code of the public-security lookup link (rule: FOOTER-2)."""
    return _validate_filing("psb_record_code", value)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def validate_plain_text(value):
    """A one-line registry text (承办单位, 党政机关网站标识 …): no control characters and
    no leading formula character, so it cannot act as a formula in an export
    (rule: PLATFORM-7; exports neutralize such values too)."""
    text = value or ""
    if _CONTROL_CHARACTERS.search(text) or text.strip().startswith(FORMULA_PREFIXES):
        raise ValidationError(
            _lazy(
                "PLATFORM-7：“%(value)s”不能以“=”“+”“-”“@”开头，也不能包含制表符、换行等控制字符。"
            ),
            code="plain_text",
            params={"value": value},
        )
    return text.strip()


# --- Unified social credit code (统一社会信用代码, GB 32100-2015) ------------------------------
# The organization code of a disclosure index number (索引号, LIB-7 ``index_no``): the
# 18-character code every organ has carried since 2015. Characters: 1 registration
# authority (1 = 机构编制), 2 organ class (1 = 机关), 3-8 division code (GB/T 2260),
# 9-17 the organization code of GB 11714 (8 characters + its check character), 18 the
# check character of the whole code.

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def credit_code_check_char(first17):
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8):
    """The 9th character of an organization code (组织机构代码, GB 11714-1997)."""
    total = sum(
        _ORG_CODE_CHARS.index(c) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def build_credit_code(prefix, division_code, org_code8):
    """A complete code from its parts (``prefix``: the two leading characters)."""
    org_code = org_code8 + org_code_check_char(org_code8)
    first17 = f"{prefix}{division_code}{org_code}"
    return first17 + credit_code_check_char(first17)


def validate_credit_code(value):
    """A unified social credit code with both check characters right (GB 32100-2015)."""
    code = (value or "").strip().upper()
    if not re.fullmatch(f"[{CREDIT_CODE_CHARS}]{{18}}", code) or not code[2:8].isdigit():
        raise ValidationError(
            _("GB 32100：统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）。"),
            code="credit_code_format",
        )
    if org_code_check_char(code[8:16]) != code[16]:
        raise ValidationError(
            _("GB 32100：统一社会信用代码第9至17位（组织机构代码）的校验码不正确。"),
            code="credit_code_org_check",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("GB 32100：统一社会信用代码的校验码（第18位）不正确。"),
            code="credit_code_check",
        )
    return code
