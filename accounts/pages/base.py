"""The three kinds of page, mirroring the API's base classes (``accounts.api.base``).

- :class:`PublicPage`: anyone (login, password reset, an invitation link);
- :class:`PersonPage`: a signed-in person, no organisation in the URL (their settings);
- :class:`OrganisationPage`: ``/o/<org_slug>/...``: a member of that organisation whose role is
  in ``role_map[method]``. Another organisation's page or object answers 404 (never 403, which
  would confirm it exists); a role not allowed answers 403; an anonymous visitor is sent to
  the login page and back.

A method a page does not implement answers 405 for everyone, before anything else is looked
at. The authorisation matrix (tests/accounts/test_page_matrix.py) finds every page from the URL
configuration and checks all of this for every role.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views import View

from accounts.audit import Actor
from accounts.models import Organisation, User
from accounts.roles import OrganisationKind, Role
from accounts.selectors import membership_of


class Page(View):
    access: ClassVar[str] = ""
    http_method_names: ClassVar[list[str]] = ["get", "post", "head", "options"]  # type: ignore[misc]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        method = (request.method or "").lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        denied = self.check_access(request, **kwargs)
        if denied is not None:
            return denied
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
        return None


class PublicPage(Page):
    access = "public"


class PersonPage(Page):
    access = "person"
    user: User

    def check_access(self, request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(request.user, User)
        self.user = request.user
        return None


class OrganisationPage(PersonPage):
    access = "organisation"
    #: HTTP method -> roles allowed to use it (HEAD follows GET).
    role_map: ClassVar[dict[str, frozenset[str]]] = {}

    organisation: Organisation
    role: str
    actor: Actor

    def check_access(self, request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
        denied = super().check_access(request, **kwargs)
        if denied is not None:
            return denied
        membership = membership_of(
            user=self.user, organisation_slug=kwargs.get("org_slug", ""), navigation=True
        )
        if membership is None:
            raise Http404("No such organisation.")
        self.organisation = membership.organisation
        self.role = membership.role
        self.kinds: frozenset[str] = membership.organisation_kinds  # type: ignore[attr-defined]
        # facts navigation needs beyond the kinds (accounts.selectors.NAVIGATION_FLAGS)
        self.flags: frozenset[str] = membership.organisation_flags  # type: ignore[attr-defined]
        self.actor = Actor(user=self.user)
        method = "GET" if request.method in ("HEAD", "OPTIONS") else (request.method or "")
        if self.role not in self.role_map.get(method, frozenset()):
            raise PermissionDenied
        return None

    def can(self, method: str) -> bool:
        """Whether the viewer's role may use ``method`` here (pages hide what it may not)."""
        return self.role in self.role_map.get(method, frozenset())

    def get_context_data(self, **extra: Any) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "role": self.role,
            "role_label": Role(self.role).label,
            # the organisation's kinds (producer, manufacturer, importer, ...): navigation shows
            # each kind's pages; an organisation without kinds sees every page
            "kinds": self.kinds or frozenset(OrganisationKind.values),
            "flags": self.flags,
            "page": self,
            **extra,
        }
