"""Configurable rule values keyed by STANDARDS.md rule ID (rule: CONFIG-1).

Defaults are those of STANDARDS.md; a deployment overrides any of them with the
``JIYUE_RULES`` setting, e.g. ``{"TIME-1": 3}`` for Liaoning's three working days.
Inspection results and reports record :data:`RULESET_VERSION` with the values used.
"""

from django.conf import settings

RULESET_VERSION = "national-2019"

DEFAULTS = {
    # rule: IDCODE-3 / CONFIG-4 — 10 characters: 6-digit division code + 4-digit
    # sequence, or "bm" + 8 digits for central departments.
    "IDCODE-3": r"^(\d{10}|bm\d{8})$",
    # rule: DOMAIN-6 / CONFIG-5 — syntax of a government English domain.
    "DOMAIN-6": r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+gov\.cn$",
    # rule: DOMAIN-4 / CONFIG-5 — a department domain outside its portal's is an
    # error ("error") or only a warning ("warning"). The issue asks for enforcement.
    "DOMAIN-4": "error",
    # rule: SITE-7 / FOOTER-2 — formats of the filing numbers entered for go-live and
    # shown in every footer [inferred; CONFIG-1]: the MIIT ICP filing number
    # (京ICP备05070602号, a site of it 京ICP备05070602号-1), the public-security
    # filing number (京公网安备 11010502030123号) and its 14-digit record code.
    "SITE-7": {
        "icp_no": r"^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕甘青宁新]"
        r"ICP备[0-9]{6,10}号(?:-[0-9]{1,4})?$",
        "psb_no": r"^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕甘青宁新]"
        r"公网安备 ?[0-9]{14}号$",
        "psb_record_code": r"^[0-9]{14}$",
    },
    # rule: SITE-4 — organisation types that publish through their parent's site
    # and may not open their own.
    "SITE-4": ["town_street", "unit", "district_department"],
    # rule: ELDER-6 / CONFIG-14 (listed here so every configurable value has one home).
    "ELDER-6": {"body_pt": 18, "zoom_percent": 200, "contrast": 4.5},
    # rule: TIME-1 / CONFIG-11 — working days to answer a 纠错 report.
    "TIME-1": 2,
    "TIME-2": 7,
    "TIME-3": 15,
}


def rule(rule_id):
    """Return the value in force for ``rule_id``: the setting override or the default."""
    overrides = getattr(settings, "JIYUE_RULES", {}) or {}
    if rule_id in overrides:
        return overrides[rule_id]
    try:
        return DEFAULTS[rule_id]
    except KeyError:
        raise KeyError(f"Unknown configurable rule {rule_id!r}") from None
