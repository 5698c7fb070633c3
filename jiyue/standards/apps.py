from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "jiyue.standards"
    label = "standards"
    verbose_name = "国家标准规则"
