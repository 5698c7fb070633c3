"""Write-API tokens of other government systems, scoped to one organization."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- API tokens -------------------------------------------------------------------


class ApiToken(models.Model):
    """A write-API token of another government system, scoped to one organization."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="library_api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, organization, name, created_by=None):
        """Create a token; return ``(token, raw_key)``. The raw key is shown once."""

        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            organization=organization,
            name=name,
            key_hash=cls.hash_key(key),
            prefix=key[:8],
            created_by=created_by,
        )
        return token, key

    @classmethod
    def authenticate(cls, key):
        if not key:
            return None
        token = (
            cls.objects.select_related("organization")
            .filter(key_hash=cls.hash_key(key), revoked=False)
            .first()
        )
        if token is not None:
            cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token
