"""Seed the theme classification (主题分类) with the State Council's top level.

Top level as used by the State Council policy library (国务院政策文件库 主题分类);
second-level entries only where they are well established. Supervisors extend the
tree in the admin (rule: LIB-2 统一分类).
"""

from django.db import migrations

TOP_LEVEL = [
    "国务院组织机构",
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
]

SECOND_LEVEL = {
    "综合政务": ["政务公开", "政务督查", "电子政务", "应急管理"],
    "财政、金融、审计": ["财政", "金融", "审计"],
    "农业、林业、水利": ["农业、畜牧业、渔业", "林业", "水利"],
    "科技、教育": ["科技", "教育"],
    "卫生、体育": ["卫生", "体育"],
    "劳动、人事、监察": ["劳动就业", "人事工作", "监察"],
    "公安、安全、司法": ["公安", "安全", "司法"],
}


def seed(apps, schema_editor):
    Theme = apps.get_model("library", "Theme")
    for i, name in enumerate(TOP_LEVEL, start=1):
        top, _ = Theme.objects.get_or_create(
            code=f"{i:02d}", defaults={"name": name, "sort_order": i}
        )
        for j, child in enumerate(SECOND_LEVEL.get(name, []), start=1):
            Theme.objects.get_or_create(
                code=f"{i:02d}{j:02d}", defaults={"name": child, "parent": top, "sort_order": j}
            )


def unseed(apps, schema_editor):
    Theme = apps.get_model("library", "Theme")
    Theme.objects.filter(parent__isnull=False).delete()
    Theme.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
