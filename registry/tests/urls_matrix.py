"""URLs for the permission matrix: every registry model under the project's own admin classes."""

from registry.tests.access_support import build_site, urlpatterns_for

site = build_site()
urlpatterns = urlpatterns_for(site)
