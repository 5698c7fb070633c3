"""The admin's help menu points to Jiyue's own guide, not Wagtail's English one."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views

GUIDE_URL_NAME = "jiyue_adminui_guide"
# Wagtail's own help items: its English editor guide and "what's new" (both on the internet).
WAGTAIL_HELP_ITEMS = {"editor-guide"}
WAGTAIL_HELP_ITEM_PREFIXES = ("whats-new-in-wagtail",)


@hooks.register("register_admin_urls")
def register_guide_url():
    return [path("guide/", views.GuideView.as_view(), name=GUIDE_URL_NAME)]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem("使用指南", reverse(GUIDE_URL_NAME), icon_name="help", order=100, name="guide")


@hooks.register("construct_help_menu")
def remove_wagtail_guides(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in WAGTAIL_HELP_ITEMS
        and not item.name.startswith(WAGTAIL_HELP_ITEM_PREFIXES)
    ]
