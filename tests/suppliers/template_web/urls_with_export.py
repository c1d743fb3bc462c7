"""The project's URLs plus a stand-in for the export's download (built on another branch),
under the URL name the footprint page looks for: its button shows once the name resolves."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns
from suppliers.api.urls import urlpatterns as supplier_api_urlpatterns


def _stand_in(request, org_slug, footprint_id):  # type: ignore[no-untyped-def]
    return HttpResponse(b"")


urlpatterns = [
    # First: a namespace given twice reverses to its first inclusion.
    path(
        "api/v1/",
        include(
            (
                [
                    path(
                        "orgs/<slug:org_slug>/footprints/<str:footprint_id>/"
                        "communication-template.xlsx",
                        _stand_in,
                        name="footprint-communication-template",
                    ),
                    *supplier_api_urlpatterns,
                ],
                "suppliers-api",
            ),
            namespace="suppliers-api",
        ),
    ),
    *project_urlpatterns,
]
