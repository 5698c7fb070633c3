"""Page types of every hosted site and its per-site footer settings.

Every site's tree is ``HomePage → ColumnPage (栏目, nestable)``. Content is not a page:
sites show only what the resource library (信息资源库) holds, listed in their columns
and shown at ``/content/<resource id>/`` on each site (rule: LIB-1, LIB-3). Column
pages carry the column tags and inspection attributes of STANDARDS.md (rule: META-2,
META-6, META-8); the footer block is a per-site setting (rule: FOOTER-5).
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from jiyue.library import services as library
from jiyue.registry import services as registry


class ColumnType(models.TextChoices):
    """The ColumnType enumeration (rule: META-6; CONFIG-2 adds OTHER)."""

    HOME = "HOME", "首页"
    OVERVIEW = "OVERVIEW", "概况信息"
    FUNCTIONS = "FUNCTIONS", "机构职能"
    LEADERS = "LEADERS", "负责人信息"
    NEWS = "NEWS", "工作动态"
    POLICY = "POLICY", "政策文件"
    OGI_GUIDE = "OGI_GUIDE", "信息公开指南"
    OGI_CATALOG = "OGI_CATALOG", "信息公开目录"
    OGI_ANNUAL_REPORT = "OGI_ANNUAL_REPORT", "信息公开年报"
    OGI_REQUEST = "OGI_REQUEST", "依法申请公开"
    DATA_RELEASE = "DATA_RELEASE", "数据发布"
    OPEN_DATA = "OPEN_DATA", "数据开放"
    INTERPRETATION = "INTERPRETATION", "政策解读"
    RESPONSE = "RESPONSE", "回应关切"
    SERVICE = "SERVICE", "办事服务"
    CONSULT_COMPLAINT = "CONSULT_COMPLAINT", "咨询投诉"
    SOLICITATION = "SOLICITATION", "征集调查"
    INTERVIEW = "INTERVIEW", "在线访谈"
    OTHER = "OTHER", "其他"


class InspectionClass(models.TextChoices):
    """Column inspection class (rule: META-8)."""

    DYNAMIC_NEWS = "dynamic_news", "动态要闻"
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    BASIC_INFO = "basic_info", "基本信息"
    CONSULTATION = "consultation", "政务咨询"
    SOLICITATION = "solicitation", "调查征集"
    INTERVIEW = "interview", "在线访谈"
    PETITION = "petition", "网上信访"
    DISCIPLINE = "discipline", "纪检举报"
    OTHER = "other", "其他"


# Sub-paths of every home page that serve the footer's pages (rule: FOOTER-4), the
# resource detail pages and the site feed; a first-level column may not take one of
# these slugs, or it would be unreachable.
SITE_PAGE_SLUGS = ("sitemap", "about", "statement", "content", "feed")
# The fields a resource list shows (portal/includes/resource_list.html): reading only
# these keeps a list query from carrying every field of each row through its sort.
LIST_FIELDS = ("pk", "title", "resource_type", "validity", "pub_date")


VALIDITY_LABELS = dict(library.Validity.choices)


class ListItem:
    """One row of a resource list: the :data:`LIST_FIELDS` of a resource, no model.

    A list reads these values with ``values_list`` instead of building 20
    :class:`~jiyue.library.services.Resource` instances (a ``ClusterableModel``, costly
    to construct) per page; the list templates read the same attributes.
    """

    __slots__ = LIST_FIELDS

    def __init__(self, pk, title, resource_type, validity, pub_date):
        self.pk = pk
        self.title = title
        self.resource_type = resource_type
        self.validity = validity
        self.pub_date = pub_date

    def get_validity_display(self):
        """Like the model's ``get_validity_display``: the label, else the stored value."""
        return VALIDITY_LABELS.get(self.validity, self.validity)

    @property
    def row_key(self):
        """Everything the list row shows: the key of its rendered fragment."""
        return (self.pk, self.title, self.resource_type, self.validity, self.pub_date)


def list_items(queryset):
    """``[ListItem]`` of a resource queryset, in its order (slice it after this)."""
    return ListItems(queryset.values_list(*LIST_FIELDS))


class ListItems:
    """A lazy ``values_list`` queryset that yields :class:`ListItem`; sliceable."""

    def __init__(self, rows):
        self.rows = rows

    def count(self):
        return self.rows.count()

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [ListItem(*row) for row in self.rows[key]]
        return ListItem(*self.rows[key])


# Sub-path of every column that serves its feeds; no sub-column may take it.
COLUMN_ROUTE_SLUGS = ("feed",)


class ChromeRouting:
    """Route through a site's tree with its cached chrome instead of two queries a level.

    Wagtail finds each child by a query on the slug and then a second query for the
    specific page. The site chrome (:mod:`jiyue.portal.site_context`) already holds
    every live, public column of the site: a child found there is served from a copy
    of it. A child that is not there (a draft, a private column, another page type)
    is routed by Wagtail as before, with its 404 or its view restriction.

    A page reached this way is public by construction (the chrome holds only
    ``public()`` columns and is rebuilt when a view restriction changes), so its
    ``get_view_restrictions`` needs no query either.
    """

    _jiyue_public = False

    def route(self, request, path_components):
        if path_components and request is not None and not getattr(request, "is_dummy", False):
            # site_context imports these models: import it here.
            from .site_context import site_context

            chrome = site_context(request, self).chrome
            for column in chrome.children_of(self):
                if column.slug == path_components[0]:
                    child = copy.copy(column)
                    child._cached_parent_obj = self
                    child._jiyue_public = True
                    return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_view_restrictions(self):
        if self._jiyue_public:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(RoutablePageMixin, ChromeRouting, Page):
    """A hosted site's home page: the root of its page tree (ColumnType 首页).

    It also serves the three pages every footer links to (rule: FOOTER-4): 网站地图
    (``sitemap/``, the column tree for people; ``/sitemap.xml`` is for crawlers),
    关于本网 (``about/``) and 网站声明 (``statement/``), whose texts are site settings;
    and, per site host, the library's content: resource detail pages at the stable
    ``content/<id>/`` (rule: LIB-3), the site feeds ``feed/`` and ``feed/atom/``,
    ``sitemap.xml`` and ``robots.txt`` (see :mod:`jiyue.portal.views`).
    """

    column_description = models.CharField(
        _("栏目描述"),
        max_length=255,
        blank=True,
        # rule: META-2
        help_text=_("首页的栏目描述标签。"),
    )
    column_keywords = models.CharField(_("栏目关键词"), max_length=255, blank=True)
    intro = models.TextField(_("网站简介"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("column_description"), FieldPanel("column_keywords")],
            heading=_("网页标签"),
        ),
    ]
    subpage_types = ["portal.ColumnPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    column_type = ColumnType.HOME

    class Meta:
        verbose_name = _("网站首页")

    HOME_ITEMS_PER_COLUMN = 6

    def route(self, request, path_components):
        """Wagtail routes every request of the site from here: note, from the chrome,
        whether the home page is public (its sub-pages' view restrictions then need no
        query), before the sub-page routes and the columns (:class:`ChromeRouting`)."""
        if request is not None and not getattr(request, "is_dummy", False):
            # site_context imports these models: import it here.
            from .site_context import site_context

            chrome = site_context(request, self).chrome
            if chrome.home is not None and chrome.home.pk == self.pk and self.live:
                self._jiyue_public = chrome.home_public
        return super().route(request, path_components)

    def columns(self):
        """The first-level columns (一级栏目), in the editors' order."""
        return ColumnPage.objects.child_of(self).live().public()

    def column_tree(self):
        """All live columns as nested ``[(column, children)]`` for the site map."""
        nodes = {}
        roots = []
        for column in ColumnPage.objects.descendant_of(self).live().public().order_by("path"):
            node = (column, [])
            nodes[column.path] = node
            parent = nodes.get(column.path[: -column.steplen])
            (parent[1] if parent else roots).append(node)
        return roots

    # The column boxes of the page come from the ``home_columns`` template tag: the
    # site's cached column list and one list query per column (jiyue_portal.py).

    def site_page_url(self, name, request=None):
        """URL of one of the footer's pages (``sitemap``, ``about``, ``statement``)."""
        return (self.get_url(request) or "/") + self.reverse_subpage(name)

    def _render_site_page(self, request, template, title, **extra):
        """Render a footer page: site tags only, no column tags (rule: META-3)."""
        from .metadata import SITE

        context = Page.get_context(self, request)
        context.update({"meta_page_kind": SITE, "site_page_title": title, "home": self, **extra})
        return TemplateResponse(request, template, context)

    @path("sitemap/", name="sitemap")
    def sitemap_view(self, request):
        return self._render_site_page(
            request, "portal/site_map.html", _("网站地图"), column_tree=self.column_tree()
        )

    @path("about/", name="about")
    def about_view(self, request):
        return self._render_site_page(request, "portal/about_page.html", _("关于本网"))

    @path("statement/", name="statement")
    def statement_view(self, request):
        return self._render_site_page(request, "portal/statement_page.html", _("网站声明"))

    @path("content/<int:resource_id>/", name="content")
    def content_view(self, request, resource_id):
        from .views import resource_detail

        return resource_detail(request, self, resource_id)

    @path("feed/", name="feed")
    def feed_view(self, request):
        from .feeds import SiteRssFeed

        return SiteRssFeed(self)(request)

    @path("feed/atom/", name="feed_atom")
    def atom_feed_view(self, request):
        from .feeds import SiteAtomFeed

        return SiteAtomFeed(self)(request)

    # Wagtail routes "/sitemap.xml" to the sub-path "sitemap.xml/" (it appends "/").
    @path("sitemap.xml/", name="sitemap_xml")
    def sitemap_xml_view(self, request):
        from .views import sitemap_xml

        return sitemap_xml(request, self)

    @path("robots.txt/", name="robots_txt")
    def robots_txt_view(self, request):
        from .views import robots_txt

        return robots_txt(request, self)


class ColumnPageForm(WagtailAdminPageForm):
    """Keeps first-level column slugs clear of the home page's own sub-paths."""

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        parent = self.parent_page.specific if self.parent_page else None
        if slug in SITE_PAGE_SLUGS and isinstance(parent, HomePage):
            self.add_error(
                "slug",
                _("“%(slug)s”是网站地图、关于本网、网站声明页面使用的地址，请换一个。")
                % {"slug": slug},
            )
        elif slug in COLUMN_ROUTE_SLUGS and isinstance(parent, ColumnPage):
            self.add_error(
                "slug", _("“%(slug)s”是栏目订阅源使用的地址，请换一个。") % {"slug": slug}
            )
        return cleaned_data


class ColumnPage(RoutablePageMixin, ChromeRouting, Page):
    """A column (栏目): a list of library resources, possibly with sub-columns.

    The list is what the library shows in this column (rule: LIB-1, LIB-3); the
    column also serves its RSS (``feed/``) and Atom (``feed/atom/``) feeds.
    """

    column_type = models.CharField(
        _("栏目类别"), max_length=32, choices=ColumnType.choices, default=ColumnType.NEWS
    )
    description = models.CharField(
        # rule: META-2
        _("栏目描述"),
        max_length=255,
        help_text=_("栏目的定位和内容（必填）。"),
    )
    # rule: META-2
    keywords = models.CharField(
        _("栏目关键词"), max_length=255, help_text=_("必填，用于网页的关键词标签。")
    )
    update_cycle_days = models.PositiveIntegerField(
        _("更新周期（天）"),
        null=True,
        blank=True,
        # rule: META-8, VETO-5
        help_text=_("留空时按180天判断长期未更新。"),
    )
    must_reply = models.BooleanField(
        _("须答复"),
        default=False,
        # rule: META-8, VETO-8
        help_text=_("政务咨询类栏目的留言须答复。"),
    )
    inspection_class = models.CharField(
        _("检查类别"), max_length=32, choices=InspectionClass.choices, default=InspectionClass.OTHER
    )

    content_panels = Page.content_panels + [
        FieldPanel("column_type"),
        FieldPanel("description"),
        FieldPanel("keywords"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("inspection_class"),
                FieldPanel("update_cycle_days"),
                FieldPanel("must_reply"),
            ],
            heading=_("检查属性"),
        )
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["portal.HomePage", "portal.ColumnPage"]
    subpage_types = ["portal.ColumnPage"]
    base_form_class = ColumnPageForm
    # Columns belong in the site's navigation unless an editor takes them out.
    show_in_menus_default = True

    PAGE_SIZE = 20

    class Meta:
        verbose_name = _("栏目")

    @property
    def top_level(self):
        """A first-level column sits directly under the home page (rule: META-8)."""
        parent = self.get_parent()
        return parent is not None and parent.specific_class is HomePage

    def latest_resources(self, limit=None):
        """Live library resources of this column, newest first (rule: LIB-1, DESIGN-3)."""
        # The query lives in .distribution, which imports these models: import it here.
        from .distribution import resources_for_column

        qs = resources_for_column(self)
        return qs[:limit] if limit else qs

    def get_context(self, request, *args, **kwargs):
        """Newest first, paginated; each item shows its publish time (rule: DESIGN-3)."""
        context = super().get_context(request, *args, **kwargs)
        # The column's rules come from the cached site chrome when it holds the column.
        from .distribution import resources_for_column
        from .site_context import site_context

        chrome = site_context(request, self).chrome
        rule_filters = chrome.rule_filters.get(self.pk, []) if chrome.has_column(self) else None
        listed = list_items(resources_for_column(self, rule_filters=rule_filters))
        paginator = Paginator(listed, self.PAGE_SIZE)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
        # Sub-columns come from the site's cached column list (``subcolumns`` tag).
        return context

    @path("feed/", name="feed")
    def feed_view(self, request):
        from .feeds import ColumnRssFeed

        return ColumnRssFeed(self)(request)

    @path("feed/atom/", name="feed_atom")
    def atom_feed_view(self, request):
        from .feeds import ColumnAtomFeed

        return ColumnAtomFeed(self)(request)


@register_setting(icon="list-ul")
class FooterSettings(BaseSiteSetting):
    """The footer contact block of one site (rule: FOOTER-2, FOOTER-4, FOOTER-5).

    Organizer, identifier code and filing numbers are not repeated here: the footer
    reads them from the site's registry record so they always equal it (rule: META-4).
    """

    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    about_text = RichTextField(_("关于本网"), blank=True)
    statement_text = RichTextField(_("网站声明"), blank=True)

    panels = [
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("postcode"),
        FieldPanel("email"),
        FieldPanel("about_text"),
        FieldPanel("statement_text"),
    ]

    class Meta:
        verbose_name = _("页脚信息")


class HeaderColour(models.TextChoices):
    """The primary colour of a site's pages (rule: DESIGN-1: one primary colour).

    Government reds and blues only, each at least 7:1 against white, so white text on
    the header and links on white pass WCAG AA with room (rule: A11Y-5). The stylesheet
    defines one ``body.theme-<value>`` class per choice (no inline style: the CSP
    allows none); tests/portal/test_site_identity.py checks the pairs.
    """

    RED = "red", _("中国红")
    CRIMSON = "crimson", _("绛红")
    BLUE = "blue", _("政务蓝")
    NAVY = "navy", _("藏青")
    TEAL = "teal", _("黛青")
    GREEN = "green", _("墨绿")


# The colour of each choice, as written in portal.css (kept equal by a test).
HEADER_COLOURS = {
    HeaderColour.RED: "#a4161a",
    HeaderColour.CRIMSON: "#9b1c31",
    HeaderColour.BLUE: "#0f4c81",
    HeaderColour.NAVY: "#1d3f72",
    HeaderColour.TEAL: "#0b5563",
    HeaderColour.GREEN: "#1e5b3a",
}


@register_setting(icon="image")
class HeaderSettings(BaseSiteSetting):
    """The header identity of one site (头部标识区, rule: FOOTER-1, NAME-2).

    The site's name comes from its registry record; here are its colour and its mark:
    an uploaded logo image, else a short text mark (字标, e.g. "发改"), else none.
    """

    colour = models.CharField(
        _("网站主色"), max_length=16, choices=HeaderColour.choices, default=HeaderColour.RED
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("网站标志图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("显示在网站名称左侧；留空时显示字标。"),
    )
    mark_text = models.CharField(
        _("字标"),
        max_length=4,
        blank=True,
        help_text=_("没有标志图片时显示的一至四个字，如“发改”。留空则不显示标志。"),
    )

    panels = [FieldPanel("colour"), FieldPanel("logo"), FieldPanel("mark_text")]

    class Meta:
        verbose_name = _("页头标识")

    @property
    def theme_class(self):
        return f"theme-{self.colour or HeaderColour.RED}"


# --- Distribution ------------------------------------------------------------------


class PlacementState(models.TextChoices):
    ACTIVE = "active", _("已生效")
    PENDING = "pending", _("待接收")
    REJECTED = "rejected", _("已拒收")


class PlacementVia(models.TextChoices):
    EXPLICIT = "explicit", _("编辑放置")
    PUSH = "push", _("主管推送")


class Placement(models.Model):
    """A resource shown in a column by reference (rule: LIB-3)."""

    resource = models.ForeignKey(
        "library.Resource", on_delete=models.CASCADE, related_name="placements"
    )
    column = models.ForeignKey(
        ColumnPage, on_delete=models.CASCADE, related_name="library_placements"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=PlacementState.choices, default=PlacementState.ACTIVE
    )
    via = models.CharField(
        _("方式"), max_length=16, choices=PlacementVia.choices, default=PlacementVia.EXPLICIT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("栏目投放")
        verbose_name_plural = _("栏目投放")
        constraints = [
            models.UniqueConstraint(fields=["resource", "column"], name="lib_placement_uniq")
        ]
        db_table = "library_placement"  # moved from the library (issue 7): same table
        indexes = [models.Index(fields=["column", "state"], name="lib_placement_col_state")]

    def __str__(self):
        return f"{self.resource_id} → {self.column_id} ({self.state})"


class ColumnSubscription(models.Model):
    """A rule that makes a column show every live resource matching it.

    Evaluated at query time, so editing or deleting the rule, or unpublishing a
    resource, needs no clean-up (rule: LIB-3). Empty criteria match everything.
    """

    column = models.ForeignKey(
        ColumnPage,
        verbose_name=_("栏目"),
        on_delete=models.CASCADE,
        related_name="library_subscriptions",
    )
    name = models.CharField(_("规则名称"), max_length=100, blank=True)
    resource_types = models.JSONField(_("资源类型"), default=list, blank=True)
    themes = models.ManyToManyField("library.Theme", verbose_name=_("主题分类"), blank=True)
    source_orgs = models.ManyToManyField(
        "registry.Organization", verbose_name=_("来源机构"), blank=True, related_name="+"
    )
    include_sub_orgs = models.BooleanField(_("包含下属机构"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("栏目订阅规则")
        verbose_name_plural = _("栏目订阅规则")
        db_table = "library_columnsubscription"  # moved from the library: same table

    def __str__(self):
        return self.name or f"订阅规则 #{self.pk}"

    def clean(self):
        super().clean()
        valid = set(library.ResourceType.values)
        bad = [t for t in self.resource_types or [] if t not in valid]
        if bad:
            raise ValidationError({"resource_types": _("未知的资源类型：%s") % "、".join(bad)})

    def criteria(self, scopes=None):
        """``[(field, allowed values)]`` of the rule: its one definition.

        Resolved once (theme descendants, the organizations in scope: a few small
        queries); :class:`jiyue.portal.distribution.Rule` turns it into the SQL filter
        of the column lists and the test of one resource, so the two cannot disagree.
        Empty criteria match everything. ``scopes``: a dict shared by the caller over
        many rules, ``{organization id: ids of it and those below}``, so that 100
        rules of the same organization ask the tree once (the distribution screen
        asked it 100 times).
        """
        scopes = {} if scopes is None else scopes
        criteria = []
        if self.resource_types:
            criteria.append(("resource_type", frozenset(self.resource_types)))
        theme_ids = set()
        for theme in self.themes.all():
            theme_ids |= theme.descendant_ids()
        if theme_ids:
            criteria.append(("theme_id", frozenset(theme_ids)))
        org_ids = set()
        for org in self.source_orgs.all():
            if self.include_sub_orgs:
                if org.pk not in scopes:
                    below = registry.organizations_in_scope(org).values_list("pk", flat=True)
                    scopes[org.pk] = frozenset(below)
                org_ids |= scopes[org.pk]
            else:
                org_ids.add(org.pk)
        if org_ids:
            criteria.append(("source_org_id", frozenset(org_ids)))
        return criteria


class ColumnDistributionSettings(models.Model):
    """Per-column distribution settings kept by the library (no field on ColumnPage)."""

    column = models.OneToOneField(
        ColumnPage,
        verbose_name=_("栏目"),
        on_delete=models.CASCADE,
        related_name="library_settings",
    )
    requires_acceptance = models.BooleanField(
        _("推送须经本站接收"),
        default=False,
        help_text=_("勾选后，主管单位推送到本栏目的信息须由本站编辑接收后才显示。"),
    )

    class Meta:
        verbose_name = _("栏目分发设置")
        verbose_name_plural = _("栏目分发设置")
        db_table = "library_columndistributionsettings"  # moved from the library: same table

    def __str__(self):
        return str(self.column)
