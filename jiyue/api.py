"""Jiyue's own HTTP API, mounted at /api/v1/ with its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a router from its ``api.py``; this module only assembles them and
sets what is common to all: JSON in UTF-8 with Chinese written as Chinese (not ``\\uXXXX``
escapes), and error bodies that carry a Chinese ``message`` beside ninja's ``detail``.
The host-name middleware lets ``/api/`` through on every host name, so the API answers
the same on the platform host and on each site's host.

Bad requests get a 4xx JSON answer, never a 500 (issue 6 item 9): a body that is not
JSON, nests too deeply or holds text no database stores (a lone surrogate such as
``"\\ud800"``, or NUL) is refused with 400 before any view runs
(:class:`StrictJSONParser`), as is a query string with NUL; a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413.
"""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from jiyue.library.api import router as library_router
from jiyue.library.services import UnstorableText, check_storable_text
from jiyue.registry.api import router as registry_router


class UTF8JSONRenderer(JSONRenderer):
    """JSON with non-ASCII characters kept readable; the charset is sent as utf-8."""

    json_dumps_params = {"ensure_ascii": False}


class StrictJSONParser(Parser):
    """ninja's parser, refusing text that no database stores.

    ``json.loads`` turns the escape ``"\\ud800"`` into a lone surrogate, which the
    database driver cannot encode, and ``"\\u0000"`` into NUL, which PostgreSQL
    refuses: a body with either is refused like every other unparsable body (ninja
    answers 400 for any exception raised while parsing it). A query string with NUL
    (``%00``) gets 400 too; Django already replaces undecodable bytes in it.
    """

    def parse_body(self, request):
        data = super().parse_body(request)
        check_storable_text(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        try:
            check_storable_text(result)
        except UnstorableText:
            raise HttpError(400, "Query string contains a NUL character") from None
        return result


# Chinese messages for ninja's HTTP errors, by status (the English ``detail`` stays).
HTTP_ERROR_MESSAGES = {
    400: gettext_lazy("请求内容无法解析：须为 UTF-8 编码的 JSON，且不得含无效字符。"),
    401: gettext_lazy("未认证：请在 Authorization 头中提供有效的接口令牌（Bearer）。"),
    403: gettext_lazy("无权执行此操作。"),
    405: gettext_lazy("不支持该请求方法。"),
    413: gettext_lazy("请求内容过大。"),
    429: gettext_lazy("请求过于频繁，请稍后再试。"),
}


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
    # Swagger UI from ninja's static files ("ninja" is an installed app), and no
    # validator badge, which Swagger UI would fetch from a foreign server: the page
    # works offline and under the CSP (issue 8 item 11).
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=UTF8JSONRenderer(),
    docs_decorator=readable_schema,
    parser=StrictJSONParser(),
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": "Not Found", "message": _("未找到请求的资源。")}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    body = {"detail": str(exc)}
    message = HTTP_ERROR_MESSAGES.get(exc.status_code)
    if message:
        body["message"] = str(message)
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413, not Django's generic 400."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return api.create_response(
        request,
        {
            "detail": "Request body too large",
            "message": _("请求内容过大：上限为 %(limit).1f MB。") % {"limit": limit},
        },
        status=413,
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
