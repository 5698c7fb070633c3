"""Jiyue's own HTTP API, mounted at /api/v1/ with its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a router from its ``api.py``; this module only assembles them and
sets what is common to all: JSON in UTF-8 with Chinese written as Chinese (not ``\\uXXXX``
escapes), and error bodies that carry a Chinese ``message`` beside ninja's ``detail``.
The host-name middleware lets ``/api/`` through on every host name, so the API answers
the same on the platform host and on each site's host.
"""

import json
from functools import wraps

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from jiyue.library.api import router as library_router
from jiyue.registry.api import router as registry_router


class UTF8JSONRenderer(JSONRenderer):
    """JSON with non-ASCII characters kept readable; the charset is sent as utf-8."""

    json_dumps_params = {"ensure_ascii": False}


def readable_schema(view):
    """Serve /openapi.json like every other answer: UTF-8, Chinese descriptions unescaped.

    Used as ninja's ``docs_decorator``, which wraps the schema and docs views only.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("application/json"):
            data = json.loads(response.content)
            response.content = UTF8JSONRenderer().render(request, data, response_status=200)
            response["Content-Type"] = "application/json; charset=utf-8"
        return response

    return wrapper


api = NinjaAPI(
    title="Jiyue API",
    version="1",
    description="集约 政府网站集约化平台 API：网站注册、信息资源等。所有接口位于 /api/v1/ 下。",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    renderer=UTF8JSONRenderer(),
    docs_decorator=readable_schema,
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": "Not Found", "message": _("未找到请求的资源。")}, status=404
    )


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    return api.create_response(
        request,
        {"detail": exc.errors, "message": _("请求参数不正确，请按 detail 中的说明修改后重试。")},
        status=422,
    )


api.add_router("/sites/", registry_router)
api.add_router("/resources/", library_router)
