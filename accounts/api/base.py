"""The base API classes. Every API view derives from exactly one of them.

- ``PublicAPIView``: no authentication (token endpoint, JWKS, health).
- ``UserAPIView``: a logged-in person acting for themselves (profile, accepting invitations).
- ``OrganisationAPIView``: everything that belongs to an organisation. The URL names the
  organisation (``/api/v1/orgs/<org_slug>/...``); the class resolves it and the caller's
  role **once**, answers 404 when the caller is not a member (foreign organisations do not
  exist for them), checks ``role_map[method]`` (403) and, for machine clients, the scope
  ``<scope_area>:read|write`` (403). Views then call selectors with
  ``organisation=self.organisation`` and look objects up with ``self.get_object_or_404``.

The authorisation matrix test (tests/accounts/test_authorisation_matrix.py) discovers every
route and checks these rules for each method and role, so a new endpoint is covered by
declaring its ``role_map``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.authentication import MachinePrincipal
from accounts.audit import Actor
from accounts.models import Organisation, User
from accounts.scopes import scope_for
from accounts.selectors import membership_of
from core.api.pagination import StablePageNumberPagination
from core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)


class PlatformAPIView(APIView):
    access: ClassVar[str] = ""
    #: Declared here so that the OpenAPI schema documents the page envelope of every list a
    #: view renders with ``paginated``; a view answering a plain array sets it to None.
    pagination_class: ClassVar[type[StablePageNumberPagination] | None] = StablePageNumberPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method the view does not implement is 405 (with Allow) for every caller, before
        # authentication and roles: it reveals nothing, whereas checking the role first
        # answered PUT with "your role may not PUT here" (403), as if some role could.
        method = (request.method or "").lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method or "")
        super().initial(request, *args, **kwargs)

    def paginated(
        self, queryset: QuerySet[Any] | list[Any], output: type[serializers.Serializer]
    ) -> Response:
        """One page of ``queryset`` (or of a list a selector built, already in a stable
        order) rendered with ``output``, in the pagination envelope."""
        assert self.pagination_class is not None, f"{type(self).__name__} does not paginate"
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(output(page, many=True).data)

    def get_object_or_404(self, queryset: QuerySet[M], **lookup: Any) -> M:
        """One object of a visible queryset; foreign and malformed ids are both 404."""
        try:
            obj = queryset.filter(**lookup).first()
        except (ValueError, TypeError, DjangoValidationError):  # malformed id, e.g. not a UUID
            obj = None
        if obj is None:
            raise NotFound(f"No such {queryset.model._meta.verbose_name}.")
        return obj


class PublicAPIView(PlatformAPIView):
    access = "public"
    authentication_classes: ClassVar[list[Any]] = []  # type: ignore[misc]
    permission_classes: ClassVar[list[Any]] = [AllowAny]  # type: ignore[misc]


class UserAPIView(PlatformAPIView):
    """A person acting for themselves. Machine clients are refused (403)."""

    access = "user"
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated]  # type: ignore[misc]

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if not isinstance(request.user, User):
            raise PermissionDenied("This endpoint is for people, not machine clients.")

    @property
    def user(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user)


class OrganisationAPIView(PlatformAPIView):
    access = "organisation"
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated]  # type: ignore[misc]
    #: HTTP method -> roles allowed to call it. A method missing here is refused.
    role_map: ClassVar[dict[str, frozenset[str]]] = {}
    #: Machine clients need the scope ``<scope_area>:read`` (safe methods) or ``:write``.
    scope_area: ClassVar[str] = "organisation"
    #: Actions only a person may take (a four-eyes review, a publication): machine clients
    #: get 403 whatever their role.
    people_only: ClassVar[bool] = False

    organisation: Organisation
    role: str
    actor: Actor

    def check_permissions(self, request: Request) -> None:
        # Runs before throttling, so the per-organisation throttle knows the organisation.
        super().check_permissions(request)  # anonymous -> 401
        slug = self.kwargs.get("org_slug", "")
        principal = request.user
        if isinstance(principal, MachinePrincipal):
            client = principal.client
            if client.organisation.slug != slug:
                raise NotFound("No such organisation.")
            self.organisation = client.organisation
            self.role = client.role
            self.actor = Actor(client=client)
            if self.people_only:
                raise PermissionDenied(
                    "This action is taken by a person (four-eyes review), not a machine client."
                )
            token_scopes = set(getattr(request.auth, "scopes", []) or [])
            needed = scope_for(self.scope_area, request.method or "GET")
            if needed not in token_scopes:
                raise PermissionDenied(
                    f"The access token lacks the scope {needed!r}.",
                    extra={"required_scope": needed},
                )
        elif isinstance(principal, User):
            membership = membership_of(user=principal, organisation_slug=slug)
            if membership is None:
                raise NotFound("No such organisation.")
            self.organisation = membership.organisation
            self.role = membership.role
            self.actor = Actor(user=principal)
        else:  # pragma: no cover - IsAuthenticated already refused it
            raise exceptions.NotAuthenticated()

        allowed = self.role_map.get(request.method or "", frozenset())
        if request.method == "HEAD":
            allowed = self.role_map.get("GET", frozenset())
        if request.method == "OPTIONS":
            allowed = frozenset().union(*self.role_map.values()) if self.role_map else allowed
        if self.role not in allowed:
            raise PermissionDenied(
                f"Your role ({self.role}) may not {request.method} here.",
                extra={"role": self.role, "allowed_roles": sorted(allowed)},
            )
