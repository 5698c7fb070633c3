"""Jiyue's own HTTP API, mounted at /api/v1/ with its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a router from its ``api.py``; this module only assembles them.
"""

from ninja import NinjaAPI

from jiyue.registry.api import router as registry_router

api = NinjaAPI(
    title="Jiyue API",
    version="1",
    description="集约 政府网站集约化平台 API：网站注册、信息资源等。",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/sites/", registry_router)
