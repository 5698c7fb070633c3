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

from .findings import compliance_findings
from .formats import (
    FORMAT_LABELS,
    MAX_UPLOAD_BYTES,
    InventoryFile,
    InventoryFormatError,
    InventoryRow,
    OrgSpec,
    decode_inventory_bytes,
    government_name,
    guess_org_type,
    parse_inventory_text,
    read_address,
    read_inventory,
)
from .importing import (
    CHANGED,
    CREATED,
    MATCHED,
    SKIPPED,
    Finding,
    ImportResult,
    RejectedRow,
    RowRejected,
    RowReport,
    _ImportContext,  # noqa: F401  (tests patch its import_site)
    import_inventory,
)
from .merge_plan import (
    DeadlineProgress,
    DistrictCount,
    MergePlanOverview,
    OverdueSite,
    effective_deadline,
    in_merge_plan,
    is_district_level,
    merge_plan_overview,
)
from .rules import FIELD_RULES, rule_of

__all__ = [
    "CHANGED",
    "CREATED",
    "FIELD_RULES",
    "FORMAT_LABELS",
    "MATCHED",
    "MAX_UPLOAD_BYTES",
    "SKIPPED",
    "DeadlineProgress",
    "DistrictCount",
    "Finding",
    "ImportResult",
    "InventoryFile",
    "InventoryFormatError",
    "InventoryRow",
    "MergePlanOverview",
    "OrgSpec",
    "OverdueSite",
    "RejectedRow",
    "RowRejected",
    "RowReport",
    "compliance_findings",
    "decode_inventory_bytes",
    "effective_deadline",
    "government_name",
    "guess_org_type",
    "import_inventory",
    "in_merge_plan",
    "is_district_level",
    "merge_plan_overview",
    "parse_inventory_text",
    "read_address",
    "read_inventory",
    "rule_of",
]
