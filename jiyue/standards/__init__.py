"""The national rules of STANDARDS.md as code: rule values (CONFIG-1) and validators.

Other apps call :func:`rule` for a configurable value and the functions in
:mod:`jiyue.standards.validators` to check registry data; every message names the
rule ID it enforces so an editor can look it up.
"""

from .formats import format_pub_date
from .rules import RULESET_VERSION, rule

__all__ = ["RULESET_VERSION", "format_pub_date", "rule"]
