"""Rule IDs (STANDARDS.md) in the inventory's messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
