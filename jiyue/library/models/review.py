"""Review bookkeeping: index numbers (索引号), interpretations held for their policy
(rule: INTERP-1), each organization's review workflow."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .resources import Resource

# --- Index numbers ----------------------------------------------------------------


class IndexNumberCounter(models.Model):
    """The last disclosure index number (索引号) issued per organization and year.

    Counters only go up, so a number is never issued twice even if its resource is
    deleted.
    """

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="lib_index_counter_uniq")
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.year}: {self.last_value}"


class HeldInterpretation(models.Model):
    """An approved interpretation waiting to be released together with its policy.

    rule: INTERP-1 / TIME-5 — when an interpretation is approved before its policy is
    live, its approved revision is held here and published in the same transaction
    as the policy.
    """

    interpretation = models.OneToOneField(
        Resource, on_delete=models.CASCADE, related_name="held_release"
    )
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待随政策发布的解读")
        verbose_name_plural = _("待随政策发布的解读")

    def __str__(self):
        return f"{self.interpretation_id} @ {self.revision_id}"


class OrganizationWorkflow(models.Model):
    """Which review workflow an organization's resources go through.

    Wagtail assigns snippet workflows per model; this lets the supervisor give an
    organization (and, unless overridden, the organizations below it) its own.
    """

    organization = models.OneToOneField(
        "registry.Organization",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="library_workflow",
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("审核流程"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("机构审核流程")
        verbose_name_plural = _("机构审核流程")

    def __str__(self):
        return f"{self.organization} → {self.workflow}"
