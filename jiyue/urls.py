from django.conf import settings
from django.contrib import admin as django_admin
from django.urls import include, path, re_path
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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
