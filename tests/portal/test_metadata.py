"""The page-metadata validator and formatting (rule: META-1 … META-7), without a database."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from jiyue.portal import metadata

SITE = SimpleNamespace(
    name="北京市发展和改革委员会网站",
    primary_domain="fgw.beijing.gov.cn",
    site_id_code="1100000007",
)


def page(tags, body_tags=()):
    head = "\n".join(f'<meta name="{n}" content="{c}">' for n, c in tags)
    body = "\n".join(f'<meta name="{n}" content="{c}">' for n, c in body_tags)
    return f'<!DOCTYPE html><html lang="zh-Hans"><head>{head}</head><body>{body}</body></html>'


SITE_TAGS = [
    ("SiteName", SITE.name),
    ("SiteDomain", SITE.primary_domain),
    ("SiteIDCode", SITE.site_id_code),
]
COLUMN_TAGS = [
    ("ColumnName", "工作动态"),
    ("ColumnDescription", "发布工作动态。"),
    ("ColumnKeywords", "工作动态"),
    ("ColumnType", "工作动态"),
]
ARTICLE_TAGS = [
    ("ArticleTitle", "召开会议"),
    ("PubDate", "2024-05-20 09:30"),
    ("ContentSource", "北京市发展和改革委员会"),
]


def test_complete_pages_of_each_kind_pass():
    """rule: META-3 — each kind passes with exactly its required tags."""
    assert metadata.check_page_metadata(page(SITE_TAGS), "site", SITE) == []
    assert metadata.check_page_metadata(page(SITE_TAGS + COLUMN_TAGS), "column", SITE) == []
    assert metadata.check_page_metadata(page(SITE_TAGS + COLUMN_TAGS), "home", SITE) == []
    html = page(SITE_TAGS + COLUMN_TAGS + ARTICLE_TAGS)
    assert metadata.check_page_metadata(html, "article", SITE) == []
    assert metadata.check_page_metadata(html.encode(), "article") == []


@pytest.mark.parametrize("missing", ["SiteName", "ColumnType", "PubDate", "ContentSource"])
def test_missing_required_tag_is_reported(missing):
    """rule: META-4 — a missing 必选 tag is named in the message."""
    tags = [t for t in SITE_TAGS + COLUMN_TAGS + ARTICLE_TAGS if t[0] != missing]
    problems = metadata.check_page_metadata(page(tags), "article")
    assert problems == [f"META-4：缺少必选标签 {missing}。"]


def test_column_tags_are_required_on_column_pages_but_not_on_site_pages():
    """rule: META-3 — placement by kind."""
    problems = metadata.check_page_metadata(page(SITE_TAGS), "column")
    assert len(problems) == 4
    assert all(p.startswith("META-4：缺少必选标签 Column") for p in problems)


def test_empty_and_blank_tags_are_reported():
    """rule: META-4 — no required tag is empty."""
    tags = [("SiteName", "  "), ("SiteDomain", ""), ("SiteIDCode", SITE.site_id_code)]
    problems = metadata.check_page_metadata(page(tags), "site")
    assert problems == [
        "META-4：必选标签 SiteName 的内容为空。",
        "META-4：必选标签 SiteDomain 的内容为空。",
    ]


def test_meta_without_content_attribute_is_empty():
    html = page(SITE_TAGS[:2]).replace("</head>", '<meta name="SiteIDCode"></head>')
    assert metadata.check_page_metadata(html, "site") == [
        "META-4：必选标签 SiteIDCode 的内容为空。"
    ]


@pytest.mark.parametrize(
    "bad", ["2024-5-20 09:30", "2024-05-20", "2024/05/20 09:30", "2024-05-20 09:30:00", "x"]
)
def test_bad_pubdate_is_reported(bad):
    """rule: META-7 — PubDate is YYYY-MM-DD HH:MM."""
    tags = SITE_TAGS + COLUMN_TAGS + [("ArticleTitle", "t"), ("PubDate", bad), ARTICLE_TAGS[2]]
    problems = metadata.check_page_metadata(page(tags), "article")
    assert problems == [f"META-7：PubDate“{bad}”格式应为 YYYY-MM-DD HH:MM。"]


def test_tags_outside_head_do_not_count():
    """rule: META-1 — tags are in <head>; one in <body> is reported and does not satisfy."""
    html = page(SITE_TAGS[:2], body_tags=[SITE_TAGS[2]])
    problems = metadata.check_page_metadata(html, "site")
    assert "META-1：标签 SiteIDCode 必须写在 <head> 中。" in problems
    assert "META-4：缺少必选标签 SiteIDCode。" in problems


def test_duplicate_tag_is_reported():
    html = page(SITE_TAGS + [("SiteName", "另一个名称")])
    assert metadata.check_page_metadata(html, "site") == ["META-2：标签 SiteName 重复出现 2 次。"]


def test_column_type_outside_enumeration_is_reported():
    """rule: META-6 — ColumnType is the Chinese name of the enumeration."""
    tags = SITE_TAGS + COLUMN_TAGS[:3] + [("ColumnType", "NEWS")]
    problems = metadata.check_page_metadata(page(tags), "column")
    assert problems == ["META-6：ColumnType“NEWS”不在栏目类别枚举中。"]


def test_site_tags_must_equal_the_registry_record():
    """rule: META-4 — site tags equal the registry."""
    tags = [("SiteName", SITE.name), ("SiteDomain", "fgw.localhost"), ("SiteIDCode", "1100000008")]
    problems = metadata.check_page_metadata(page(tags), "site", SITE)
    assert problems == [
        "META-4：网站标签 SiteDomain 为“fgw.localhost”，与登记信息“fgw.beijing.gov.cn”不一致。",
        "META-4：网站标签 SiteIDCode 为“1100000008”，与登记信息“1100000007”不一致。",
    ]


def test_escaped_values_are_compared_unescaped():
    site = SimpleNamespace(name='A&B"网站', primary_domain="a.gov.cn", site_id_code="1100000001")
    html = page(
        [
            ("SiteName", "A&amp;B&quot;网站"),
            ("SiteDomain", "a.gov.cn"),
            ("SiteIDCode", "1100000001"),
        ]
    )
    assert metadata.check_page_metadata(html, "site", site) == []


def test_unknown_page_kind_is_an_error():
    with pytest.raises(ValueError, match="Unknown page kind"):
        metadata.check_page_metadata(page(SITE_TAGS), "blog")


def test_pubdate_is_formatted_in_beijing_time():
    """rule: META-7 — Beijing time whatever the datetime's zone."""
    utc = datetime.datetime(2024, 5, 20, 18, 30, tzinfo=datetime.UTC)
    assert metadata.format_pubdate(utc) == "2024-05-21 02:30"
    new_york = datetime.datetime(2024, 5, 20, 6, 5, tzinfo=ZoneInfo("America/New_York"))
    assert metadata.format_pubdate(new_york) == "2024-05-20 18:05"
    assert metadata.format_pubdate(None) == ""


def test_column_type_labels_are_the_national_names():
    """rule: META-6 — 18 national names + 其他."""
    assert len(metadata.COLUMN_TYPE_LABELS) == 19
    assert {"首页", "工作动态", "政策文件", "咨询投诉", "其他"} <= metadata.COLUMN_TYPE_LABELS
