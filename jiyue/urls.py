from django.conf import settings
from django.contrib import admin as django_admin
from django.urls import include, path, re_path
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from jiyue.api import api

urlpatterns = [
    path("django-admin/", django_admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    # Per-site sitemap.xml and robots.txt are HomePage routes; Wagtail's page pattern
    # does not match a last segment with a dot, so hand these two paths to its view.
    re_path(r"^(robots\.txt|sitemap\.xml)$", wagtail_serve),
    # The platform's icon on every host name, online or not (a platform path, see
    # jiyue.registry.hosting.PLATFORM_PREFIXES): browsers ask for it on their own.
    path(
        "favicon.ico",
        serve_file,
        {"path": "favicon.ico", "document_root": settings.BASE_DIR / "jiyue/static/jiyue"},
    ),
]

if settings.DEBUG or settings.JIYUE_SERVE_MEDIA:
    # Uploaded files in the embedded mode (make run); nginx serves them in production.
    # Django's static() helper adds nothing unless DEBUG, hence the view itself.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(
        re_path(
            rf"^{media_prefix}/(?P<path>.*)$",
            serve_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += [path("", include(wagtail_urls))]
