"""Test URLconf: mounts the library router on a local API, as jiyue/api.py will."""

from django.urls import path
from ninja import NinjaAPI

from jiyue.library.api import router

api = NinjaAPI(urls_namespace="library-test")
api.add_router("/resources/", router)

urlpatterns = [path("api/v1/", api.urls)]
