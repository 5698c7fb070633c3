"""The inventory import: one transaction, every row checked, nothing duplicated."""

import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import registry as log_registry

from ..models import (
    GovSite,
    Organization,
    OrgType,
    SiteStatus,
)
from .findings import compliance_findings
from .formats import GOVERNMENT_TYPES, OrgSpec, guess_org_type
from .rules import _integrity_message, _integrity_rule, _problems_from

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
