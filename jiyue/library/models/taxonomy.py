"""Theme classification (主题分类), a tree of themes (rule: META-2)."""

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A node of the theme classification (主题分类), a configurable tree.

    Seeded with the State Council theme classification (data migration 0002).
    """

    code = models.CharField(_("分类代码"), max_length=20, unique=True)
    name = models.CharField(_("分类名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def descendant_ids(self):
        """This node's id and those of every node below it (one recursive query)."""
        table = connection.ops.quote_name(Theme._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s UNION "
                f"SELECT t.id FROM {table} t JOIN tree ON t.parent_id = tree.id) "
                "SELECT id FROM tree",
                [self.pk],
            )
            return {row[0] for row in cursor.fetchall()}
