"""Real government text for the demo, read from ``../shared/data`` at load time only.

The three sets used here carry no licence (see their SOURCE.txt), so nothing of them is
ever copied into the repository: this module only reads them while ``load_demo``
runs, and the demo works without them (see :mod:`jiyue.demo.builtin`).

- ``central-shandong-policies/policies.jsonl``: Chinese full texts of central and
  Shandong policy documents (their titles in the file are English translations, so the
  Chinese title is taken from the first line of the text where it is one).
- ``gov-work-reports/government_work_reports.jsonl``: State Council work reports.
- ``policy-transparency-china/titles_dates_*.csv``: titles, dates and addresses of
  provincial policy documents (no text): reposted as links to the original.
"""

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.html import escape

BEIJING = ZoneInfo("Asia/Shanghai")
# Bodies are cut at a paragraph boundary after this many characters: enough for a
# realistic page, small enough to keep the demo load fast.
BODY_CHAR_LIMIT = 8000


def default_data_dir():
    """``<project>/../shared/data`` (may be absent)."""
    return Path(settings.BASE_DIR).parent / "shared" / "data"


@dataclass
class Item:
    """One content item ready to become a library resource (信息资源)."""

    title: str
    pub_date: datetime.datetime
    source: str
    body_html: str
    author: str = ""
    keywords: str = ""
    summary: str = ""
    tags: tuple = field(default_factory=tuple)
    doc_no: str = ""  # 文号 of a policy document, when the text carries one
    # A repost (转载) of another government's document: its real issuer (发文机关) and
    # original address (原文链接). Empty for the site's own items.
    issuing_organ: str = ""
    source_url: str = ""
    central: bool = False  # issued by the State Council or a ministry (上级文件)
    theme: str = ""  # theme (主题分类) name


# --- Helpers -------------------------------------------------------------------------


def paragraphs_html(lines, limit=BODY_CHAR_LIMIT, note=""):
    """Escaped ``<p>`` paragraphs from text lines, cut after ``limit`` characters."""
    parts, used = [], 0
    for raw in lines:
        text = " ".join(raw.replace("\u3000", " ").split())
        if not text:
            continue
        if used and used + len(text) > limit:
            parts.append("<p>（以上为节选。）</p>")
            break
        parts.append(f"<p>{escape(text)}</p>")
        used += len(text)
    if note:
        parts.append(note)
    return "\n".join(parts)


def _day(value, hour=0, minute=0):
    """A Beijing-time datetime from ``YYYY-MM-DD…`` (time of day kept when given)."""
    value = (value or "").strip()
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?", value)
    if not match:
        return None
    year, month, day, hh, mm = match.groups()
    try:
        return datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hh) if hh else hour,
            int(mm) if mm else minute,
            tzinfo=BEIJING,
        )
    except ValueError:
        return None


# --- Policy documents with full text ---------------------------------------------------

# English department names of the data set → the Chinese names of the organs.
DEPARTMENTS_ZH = {
    "State Council": "国务院",
    "General Office of the State Council": "国务院办公厅",
    "Ministry of Industry and Information Technology": "工业和信息化部",
    "General Office of the Ministry of Industry and Information Technology": "工业和信息化部办公厅",
    "Ministry of Education": "教育部",
    "General Office of the Ministry of Education": "教育部办公厅",
    "Degree Management and Graduate Education Department": "教育部学位管理与研究生教育司",
    "Ministry of Commerce": "商务部",
    "Ministry of Science and Technology": "科学技术部",
    "Ministry of Finance": "财政部",
    "Ministry of Transport": "交通运输部",
    "Ministry of Civil Affairs": "民政部",
    "Ministry of Public Security": "公安部",
    "Ministry of Natural Resources": "自然资源部",
    "Ministry of Ecology and Environment": "生态环境部",
    "Ministry of Agriculture and Rural Affairs": "农业农村部",
    "Ministry of Housing and Urban-Rural Development": "住房和城乡建设部",
    "Ministry of Human Resources and Social Security": "人力资源和社会保障部",
    "Ministry of Water Resources": "水利部",
    "National Development and Reform Commission": "国家发展和改革委员会",
    "National Health Commission": "国家卫生健康委员会",
    "National Aging Committee": "全国老龄工作委员会办公室",
    "National Data Bureau": "国家数据局",
    "National Energy Administration": "国家能源局",
    "National Medical Products Administration": "国家药品监督管理局",
    "Standardization Administration of China": "国家标准化管理委员会",
    "State Forestry Administration": "国家林业局",
    "China Meteorological Administration": "中国气象局",
    "Cyberspace Administration of China": "国家互联网信息办公室",
    "National Governance Professional Committee for New Generation AI": (
        "国家新一代人工智能治理专业委员会"
    ),
    "Shandong Provincial People's Government": "山东省人民政府",
    "General Office of Shandong Provincial People's Government": "山东省人民政府办公厅",
    "Shandong Provincial Department of Industry and Information Technology": "山东省工业和信息化厅",
    "Shandong Provincial Development and Reform Commission": "山东省发展和改革委员会",
    "Shandong Provincial Economic and Information Technology Commission": (
        "山东省经济和信息化委员会"
    ),
    "Shandong Provincial Big Data Bureau": "山东省大数据局",
    "Shandong Provincial Science and Technology Department": "山东省科学技术厅",
    "General Office of Jinan Municipal People's Government": "济南市人民政府办公厅",
    "Qingdao Municipal People's Government": "青岛市人民政府",
    "Qingdao Department of Industry and Information Technology": "青岛市工业和信息化局",
}
_PRC_SUFFIX = " of the People's Republic of China"
_TITLE_ENDINGS = (
    "通知",
    "意见",
    "规划",
    "方案",
    "指南",
    "办法",
    "规范",
    "计划",
    "措施",
    "要点",
    "决定",
    "细则",
    "条例",
    "规定",
    "纲要",
)
# 文号 such as （国办发〔2022〕9号） near the start of a document.
_DOC_NO_RE = re.compile(r"[（(]([\u4e00-\u9fa5]{1,12}〔\d{4}〕\d{1,4}号)[）)]")
_TITLE_RE = re.compile(
    r"^(?!第.{1,3}章)(?![一二三四五六七八九十]+、)(?!\d)[^。；，：:,.]{6,40}?"
    r"(?:" + "|".join(_TITLE_ENDINGS) + r")(?:[（(][^）)]{1,20}[）)])?$"
)


def chinese_departments(english):
    """The Chinese names of a (comma-separated) English department field, or ''."""
    names = []
    for raw in (english or "").split(","):
        name = raw.strip().removesuffix(_PRC_SUFFIX)
        if name not in DEPARTMENTS_ZH:
            return ""
        names.append(DEPARTMENTS_ZH[name])
    return "、".join(dict.fromkeys(names))


def chinese_title(text):
    """The document's Chinese title when its first line is one, else ''."""
    for raw in (text or "").splitlines():
        line = "".join(raw.replace("\u3000", " ").split())
        if line:
            return line if _TITLE_RE.match(line) else ""
    return ""


def policy_documents(data_dir):
    """Policy documents whose Chinese title, issuing organ and original address can be
    told from the data."""
    path = Path(data_dir) / "central-shandong-policies" / "policies.jsonl"
    if not path.is_file():
        return []
    items = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = row.get("Policy Content") or ""
            title = chinese_title(text)
            source = chinese_departments(row.get("Release Department"))
            pub_date = _day(row.get("Release Time"))
            if not (title and source and pub_date) or "...." in text[:400]:
                continue
            lines = text.splitlines()
            # Drop the title line itself: the page shows the title above the body.
            while lines and "".join(lines[0].split()) != title:
                lines.pop(0)
            body = paragraphs_html(lines[1:])
            if not body:
                continue
            doc_no = _DOC_NO_RE.search(text[:300])
            origin = (row.get("Policy Source") or "").strip()
            if not origin.startswith(("http://", "https://")):
                continue  # a repost needs its original address (rule: PUB-4)
            items.append(
                Item(
                    title=title,
                    pub_date=pub_date,
                    source=source,
                    body_html=body,
                    tags=(title,),
                    doc_no=doc_no.group(1) if doc_no else "",
                    issuing_organ=source,
                    source_url=origin,
                    central=row.get("table") == "Central Policies Table",
                )
            )
    items.sort(key=lambda item: item.pub_date, reverse=True)
    return items


# --- Government work reports ---------------------------------------------------------

_DELIVERED_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日在第")


def work_reports(data_dir, limit=5):
    """The latest State Council work reports, dated by the day they were delivered."""
    path = Path(data_dir) / "gov-work-reports" / "government_work_reports.jsonl"
    if not path.is_file():
        return []
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            content = row.get("content") or ""
            match = _DELIVERED_RE.search(content[:600])
            if not match:
                continue
            year, month, day = (int(x) for x in match.groups())
            try:
                delivered = datetime.datetime(year, month, day, 9, 0, tzinfo=BEIJING)
            except ValueError:
                continue
            rows.append((delivered, row))
    rows.sort(key=lambda pair: pair[0], reverse=True)
    items = []
    for delivered, row in rows[:limit]:
        lines = row["content"].splitlines()
        url = (row.get("url") or "").strip()
        items.append(
            Item(
                title=f"{delivered.year}年国务院政府工作报告",
                pub_date=delivered,
                source="中华人民共和国国务院",
                body_html=paragraphs_html(lines),
                keywords="政府工作报告，国务院",
                issuing_organ="中华人民共和国国务院",
                source_url=url if url.startswith(("http://", "https://")) else "",
                central=True,
            )
        )
    return items


# --- Reposted document titles (no text) ---------------------------------------------

ORGANS_ZH = {
    "Guangdong Provincial Government": "广东省人民政府",
    "Hainan Provincial Government": "海南省人民政府",
    "Henan Provincial Government": "河南省人民政府",
    "Shanghai Municipal Government": "上海市人民政府",
    "Sichuan Provincial Government": "四川省人民政府",
    "Yunnan Provincial Government": "云南省人民政府",
}


@dataclass
class Title:
    title: str
    url: str
    organ: str
    pub_date: datetime.datetime
    doc_no: str = ""


# "发文字号：沪科〔2023〕292号" → "沪科〔2023〕292号"
_DOC_NO_PREFIX_RE = re.compile(r"^[^〔\[(（]*?[:：]\s*")


def document_numbers(folder):
    """``{original URL: 文号}`` from the document-number sets (same libraries)."""
    numbers = {}
    for path in sorted(Path(folder).glob("docnumbers_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                number = _DOC_NO_PREFIX_RE.sub("", (row.get("doc_number") or "").strip())
                url = (row.get("url") or "").strip()
                if url and number and "号" in number and len(number) <= 60:
                    numbers[url] = number
    return numbers


def document_titles(data_dir):
    """Every dated title of the policy-document libraries, newest first."""
    folder = Path(data_dir) / "policy-transparency-china"
    if not folder.is_dir():
        return []
    titles = []
    numbers = document_numbers(folder)
    for path in sorted(folder.glob("titles_dates_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                organ = ORGANS_ZH.get((row.get("organ") or "").strip())
                pub_date = _day(row.get("publish_date")) or _day(row.get("issue_date"))
                title = " ".join((row.get("title") or "").split())
                url = (row.get("url") or "").strip()
                if not (organ and pub_date and 6 <= len(title) <= 80):
                    continue
                # Central documents in a provincial library are not 外省市政策.
                if url.startswith("http") and not is_national(title_issuer(title, organ)):
                    titles.append(Title(title, url, organ, pub_date, numbers.get(url, "")))
    titles.sort(key=lambda t: (t.pub_date, t.title), reverse=True)
    return titles


# The organ that issued a document, from its title: the words before its first 关于.
_ISSUER_RE = re.compile(
    r"^([\u4e00-\u9fa5 （）()]{2,60}?(?:人民政府|办公厅|办公室|委员会|政府|厅|局|委|院|部|会))关于"
)


_ISSUER_VERB_RE = re.compile("批转|转发|印发|贯彻|落实|执行|关于")
_ISSUER_ENDINGS = ("人民政府", "办公厅", "办公室", "委员会", "政府", "厅", "局", "委", "院", "部")


# Central organs a provincial library also lists (国务院办公厅关于…): named as they are.
_NATIONAL = ("国务院", "中共中央", "国家", "中华人民共和国", "全国")


def is_national(issuer):
    """A central organ: 国务院…, or a ministry (部; provincial bodies are 厅, 局, 委)."""
    return issuer.startswith(_NATIONAL) or (issuer.endswith("部") and issuer[0] not in "省市")


def title_issuer(title, organ):
    """The issuing organ of a document of ``organ``'s library, from its title.

    ``金山区人民政府办公室关于…`` in Shanghai's library → ``上海市金山区人民政府办公室``;
    ``市科委关于…`` → ``上海市科委``; a title that names no organ (a regulation such as
    ``四川省水资源调度管理办法``) → the government of the library, ``organ``.
    """
    match = _ISSUER_RE.match(title)
    if not match:
        return organ
    issuer = match.group(1).strip()
    # …批转/转发/印发/贯彻…关于: the organ before the verb issued it.
    issuer = _ISSUER_VERB_RE.split(issuer)[0].strip()
    if not issuer.endswith(_ISSUER_ENDINGS):
        return organ
    region = organ.removesuffix("人民政府")  # 上海市, 四川省 …
    if region[:2] in issuer or is_national(issuer):
        return issuer
    if issuer[0] in "省市" and not issuer.startswith(("市场", "省级")):
        issuer = issuer[1:]
    return region + issuer


def reposted_item(entry):
    """A repost of a document known only by title: our own wording, the real issuer and
    the original address in their own fields (not in the body)."""
    issuer = title_issuer(entry.title, entry.organ)
    body = (
        f"<p>{escape(issuer)}于{entry.pub_date:%Y年%m月%d日}发布《{escape(entry.title)}》。"
        "本站转载该文件的目录信息，供参考借鉴；全文以原文链接所载为准。</p>"
    )
    return Item(
        title=entry.title,
        pub_date=entry.pub_date,
        source=issuer,
        body_html=body,
        summary=f"转载{issuer}发布的文件目录信息。",
        issuing_organ=issuer,
        source_url=entry.url,
        doc_no=entry.doc_no,
    )


class SharedData:
    """The shared data sets, read once per demo load; empty when the folder is absent."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.available = self.data_dir.is_dir()
        self._policies = policy_documents(self.data_dir) if self.available else []
        self._titles = document_titles(self.data_dir) if self.available else []
        self._reports = work_reports(self.data_dir) if self.available else []
        self._used = set()

    def take_policies(self, words, limit):
        """Up to ``limit`` full-text policies whose title has one of ``words``."""
        return self._take(self._policies, words, limit)

    def take_titles(self, words, limit, exclude=(), require=()):
        """Up to ``limit`` reposted document titles with one of ``words``.

        ``exclude``: leave out titles with any of these words; ``require``: keep only
        titles that also have one of these.
        """
        return [
            reposted_item(t)
            for t in self._take(self._titles, words, limit, exclude=exclude, require=require)
        ]

    def work_reports(self):
        return list(self._reports)

    def _take(self, pool, words, limit, exclude=(), require=()):
        chosen = []
        for entry in pool:
            if len(chosen) >= limit:
                break
            title = entry.title
            if title in self._used:
                continue
            if words and not any(word in title for word in words):
                continue
            if any(word in title for word in exclude):
                continue
            if require and not any(word in title for word in require):
                continue
            self._used.add(entry.title)
            chosen.append(entry)
        return chosen
