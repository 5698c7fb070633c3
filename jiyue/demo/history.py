"""Several years of a demo site's own information (往年信息), written from templates.

The demo must look like a site that has been running for years (hundreds of items per
site) without passing other governments' documents off as its own (issue 8 item 13).
So each site's own columns are filled with items in its own voice, generated from the
templates below and the site's work topics (:attr:`jiyue.demo.city.SiteSpec.topics`):
plausible titles, dates on working days over the last few years, 文号 in the site's own
format, and a note in every body that the item is demo content. Real documents of
other governments are never generated here; they are reposted with their issuer and
original link by :mod:`jiyue.demo.loader`.

The generation is deterministic (a random generator seeded by the site key), so every
load of the demo shows the same items.
"""

import datetime
import random
from dataclasses import dataclass

from .builtin import DEMO_NOTE

# Items per column over the whole history at scale 1.0 (``make run``); tests load a
# smaller scale (see ``load_demo(history_scale=…)``).
COLUMN_COUNTS = {
    "news": 150,
    "notices": 60,
    "policy": 45,
    "data_release": 36,
    "response": 30,
    "consult": 40,
    "solicitation": 18,
    "interview": 12,
}
HISTORY_YEARS = 4

NEWS_TITLES = (
    "{short}召开{topic}工作推进会",
    "{short}部署{year}年{topic}重点任务",
    "{short}专题研究{topic}工作",
    "{short}赴基层调研{topic}工作",
    "{short}开展{topic}专项检查",
    "{short}举办{topic}业务培训班",
    "{short}召开{topic}工作座谈会",
    "{short}通报{topic}工作进展情况",
    "{short}与有关单位座谈交流{topic}工作",
    "{short}总结{topic}阶段性工作成效",
)
NEWS_BODIES = (
    "{month}月{day}日，{org}召开会议，研究部署{topic}有关工作。会议听取了相关处室的工作汇报，"
    "分析了当前面临的形势和问题，对下一阶段工作提出明确要求。",
    "会议强调，要坚持问题导向和目标导向，细化任务分工，压实工作责任，"
    "确保{topic}各项任务按时保质完成。",
    "会议要求，各相关单位要加强协同配合，及时总结推广好的经验做法，"
    "主动回应企业和群众关切，持续提升工作实效。",
)
NOTICE_TITLES = (
    "关于开展{year}年{topic}工作的通知",
    "关于{topic}有关事项的通知",
    "关于{year}年{topic}项目评审结果的公示",
    "关于做好{topic}相关工作的提示",
    "{short}关于{topic}工作安排的公告",
)
NOTICE_BODIES = (
    "各有关单位：",
    "为做好{topic}工作，根据有关规定，现将有关事项通知如下。",
    "一、请各单位高度重视，结合实际制定工作方案，明确责任人和时间节点。",
    "二、工作中遇到的问题请及时与{org}相关处室联系。",
    "特此通知。",
)
POLICY_TITLES = (
    "{org}关于印发《{topic}工作方案（{year}—{year2}年）》的通知",
    "{org}关于进一步加强{topic}工作的实施意见",
    "{org}关于做好{year}年{topic}工作的通知",
    "{org}关于印发《{topic}管理办法》的通知",
    "{org}关于推进{topic}高质量发展的若干措施",
)
POLICY_BODIES = (
    "各有关单位：",
    "为深入贯彻落实党中央、国务院和市委、市政府决策部署，扎实推进{topic}工作，"
    "经研究，现提出如下意见。",
    "一、总体要求。坚持以人民为中心的发展思想，聚焦重点领域和关键环节，推动{topic}工作取得新成效。",
    "二、主要任务。完善工作机制，加强统筹协调，健全监测评估，强化政策保障。",
    "三、保障措施。各单位要加强组织领导，明确责任分工，抓好贯彻落实。",
)
DATA_TITLES = ("{year}年{month}月{short}{topic}工作数据",)
DATA_BODIES = (
    "{year}年{month}月，{org}{topic}相关工作平稳有序推进，主要指标运行在合理区间。",
    "本栏目数据为演示数据，正式数据以统计部门发布为准。",
)
RESPONSE_TITLES = (
    "关于网民关注的{topic}问题的回应",
    "{short}就{topic}有关问题答记者问",
    "关于{topic}相关政策执行情况的说明",
)
RESPONSE_BODIES = (
    "近期，有网民关注{topic}有关问题。对此，{org}高度重视，组织相关处室进行了认真研究。",
    "经核实，相关工作正按计划推进。下一步，{org}将进一步加强政策宣传解读，"
    "及时回应社会关切，欢迎社会各界继续监督。",
)
CONSULT_TITLES = (
    "关于{topic}办理流程的咨询答复",
    "关于{topic}政策适用范围的咨询答复",
    "关于{topic}办理进度的咨询答复",
)
CONSULT_BODIES = (
    "来信人咨询{topic}有关问题。",
    "答复：您好！您反映的问题已收悉。经了解，相关事项按照现行规定办理，"
    "具体可通过{site}“办事服务”栏目查询，或拨打12345市民服务热线咨询。感谢您的关注！",
)
SOLICITATION_TITLES = (
    "关于《{topic}工作方案（征求意见稿）》公开征求意见的公告",
    "{topic}工作意见建议征集结果反馈",
)
SOLICITATION_BODIES = (
    "为提高决策的科学性和透明度，{org}起草了{topic}有关文件，现向社会公开征求意见。",
    "公众可通过本网站“互动交流”栏目提交意见建议，征集期为30日。",
)
INTERVIEW_TITLES = ("在线访谈：{short}负责同志谈{topic}",)
INTERVIEW_BODIES = (
    "本期访谈邀请{org}负责同志介绍{topic}工作进展，并回答网民关心的问题。",
    "问：{topic}工作下一步有哪些安排？答：我们将继续完善政策措施，"
    "加强部门协同，让企业和群众有更多获得感。",
)

TEMPLATES = {
    "news": (NEWS_TITLES, NEWS_BODIES),
    "notices": (NOTICE_TITLES, NOTICE_BODIES),
    "policy": (POLICY_TITLES, POLICY_BODIES),
    "data_release": (DATA_TITLES, DATA_BODIES),
    "response": (RESPONSE_TITLES, RESPONSE_BODIES),
    "consult": (CONSULT_TITLES, CONSULT_BODIES),
    "solicitation": (SOLICITATION_TITLES, SOLICITATION_BODIES),
    "interview": (INTERVIEW_TITLES, INTERVIEW_BODIES),
}


@dataclass
class HistoryItem:
    column: str  # column key of jiyue.demo.city.COLUMN_TREE
    title: str
    paragraphs: list
    pub_date: datetime.datetime
    theme: str = ""  # theme (主题分类) name
    doc_no: str = ""


def working_days(start, end, rng, count):
    """``count`` working days (Monday–Friday) in [start, end), sorted."""
    span = (end - start).days
    days = []
    while len(days) < count and span > 0:
        day = start + datetime.timedelta(days=rng.randrange(span))
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def site_history(spec, org_name, short_name, now, *, scale=1.0, years=HISTORY_YEARS):
    """The generated items of one site, oldest first (``now``: an aware datetime).

    The newest week is left to the hand-written items of :mod:`jiyue.demo.builtin`.
    """
    rng = random.Random(f"jiyue-demo:{spec.key}")
    end = (now - datetime.timedelta(days=8)).date()
    start = end.replace(year=end.year - years)
    items = []
    doc_numbers = {}
    for column, full_count in COLUMN_COUNTS.items():
        count = max(1, round(full_count * scale))
        titles, bodies = TEMPLATES[column]
        if column == "data_release":
            days = _month_ends(end, count)
        else:
            days = working_days(start, end, rng, count)
        for number, day in enumerate(days):
            topic, theme = spec.topics[rng.randrange(len(spec.topics))]
            hour, minute = rng.randrange(9, 18), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))
            when = now.replace(
                year=day.year,
                month=day.month,
                day=day.day,
                hour=hour,
                minute=minute,
                second=0,
                microsecond=0,
            )
            values = {
                "org": org_name,
                "short": short_name,
                "site": spec.name,
                "topic": topic,
                "year": day.year,
                "year2": day.year + 2,
                "month": day.month,
                "day": day.day,
            }
            if column == "data_release":
                # Monthly data are about the month before the one they are released in.
                previous = day.replace(day=1) - datetime.timedelta(days=1)
                values.update(year=previous.year, month=previous.month)
            title = titles[(number + rng.randrange(len(titles))) % len(titles)].format(**values)
            item = HistoryItem(
                column=column,
                title=title,
                paragraphs=[p.format(**values) for p in bodies] + [DEMO_NOTE],
                pub_date=when,
                theme=theme,
            )
            if column == "policy":
                sequence = doc_numbers.get(day.year, 0) + 1
                doc_numbers[day.year] = sequence
                item.doc_no = f"{spec.doc_no_prefix}〔{day.year}〕{sequence}号"
            items.append(item)
    items.sort(key=lambda item: item.pub_date)
    return items


def _month_ends(end, count):
    """The 10th of each of the ``count`` months up to ``end`` (monthly data releases)."""
    days = []
    year, month = end.year, end.month
    while len(days) < count:
        day = datetime.date(year, month, 10)
        if day <= end:
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            days.append(day)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return sorted(days)
