"""Installations and products: lists, and the forms that create and edit them.

Each form posts to the service the API calls (``suppliers.services.catalogue``) with the same
role sets as ``suppliers.api.catalogue``; a ``ValidationFailed`` comes back on the form, each
problem at its field in the page's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.cn_codes import is_cn_code, normalise_cn_code
from cbam.numbers import Bounds, NumberError, parse_number
from core.api.fields import LATITUDE, LONGITUDE
from core.errors import ValidationFailed
from core.messages import localise
from reference.models import GoodsCategory
from reference.selectors import goods_category_for_cn_code
from suppliers.models import Installation, Product
from suppliers.pages.forms import InstallationForm, ProductForm, ServiceForm, lines
from suppliers.selectors import (
    CN_SEARCH_LIMIT,
    cn_codes_search,
    installations_visible_to,
    products_visible_to,
)
from suppliers.services.catalogue import (
    installation_create,
    installation_update,
    product_create,
    product_update,
)

#: The goods categories' "route" when there is nothing to choose (reference data).
ALL_ROUTES = "All production routes"

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class InstallationListPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        installations = installations_visible_to(organisation=self.organisation)
        context = self.get_context_data(
            installations=list(installations), can_write=self.role in WRITER_ROLES
        )
        return render(request, "suppliers/pages/installation_list.html", context)


def _installation_data(form: InstallationForm) -> dict[str, Any]:
    """What the installation service takes, from the posted form; coordinates are read as
    numbers by the input layer (``cbam.numbers``), as the API reads them, and a coordinate
    that is not one is put on the form."""
    data: dict[str, Any] = {name: form.text(name) for name in InstallationForm.TEXT_FIELDS}
    data["production_routes"] = lines(form.text("production_routes"))
    for name, bounds in (("latitude", LATITUDE), ("longitude", LONGITUDE)):
        data[name] = _coordinate(form, name, bounds)
    return data


def _coordinate(form: InstallationForm, name: str, bounds: Bounds) -> Any:
    raw = form.text(name)
    if not raw:
        return None
    try:
        return parse_number(raw, bounds)
    except NumberError as exc:
        form.add_error(name, localise(exc.message))
        return None


class _CatalogueFormPage(OrganisationPage):
    """Create (no id in the URL) or edit (``object_kwarg`` in it) one object of the catalogue:
    the form is read into the service's data, the service saves or says what is wrong."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}
    object_kwarg: ClassVar[str]
    template: ClassVar[str]
    list_url: ClassVar[str]
    saved: ClassVar[_StrPromise]
    obj: Any = None

    def queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> ServiceForm:
        raise NotImplementedError

    def initial(self) -> dict[str, Any]:
        raise NotImplementedError

    def read(self, form: Any) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def load(self, kwargs: dict[str, Any]) -> None:
        if self.object_kwarg in kwargs:
            self.obj = get_object_or_404(self.queryset(), pk=kwargs[self.object_kwarg])

    def render_form(self, request: HttpRequest, form: ServiceForm) -> Any:
        context = self.get_context_data(form=form, obj=self.obj)
        return render(request, self.template, context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.load(kwargs)
        return self.render_form(request, self.form(initial=self.initial()))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        self.load(kwargs)
        form = self.form(request.POST)
        data = self.read(form)
        if form.errors:
            return self.render_form(request, form)
        try:
            self.save(data)
        except ValidationFailed as exc:
            form.add_service_error(exc)
            return self.render_form(request, form)
        messages.success(request, str(self.saved))
        return redirect(self.list_url, org_slug=self.organisation.slug)


class InstallationFormPage(_CatalogueFormPage):
    object_kwarg = "installation_id"
    template = "suppliers/pages/installation_form.html"
    list_url = "suppliers-pages:installations"
    saved = gettext_lazy("The installation is saved.")

    def queryset(self) -> QuerySet[Installation]:
        return installations_visible_to(organisation=self.organisation)

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> ServiceForm:
        return InstallationForm(data, initial=initial)

    def initial(self) -> dict[str, Any]:
        return {"country": "CN"} if self.obj is None else InstallationForm.initial_of(self.obj)

    def read(self, form: Any) -> dict[str, Any]:
        return _installation_data(form)

    def save(self, data: dict[str, Any]) -> Installation:
        if self.obj is None:
            return installation_create(actor=self.actor, organisation=self.organisation, data=data)
        return installation_update(actor=self.actor, installation=self.obj, data=data)


def category_of(cn_code: str) -> GoodsCategory | None:
    """The goods category of a CN code as typed (spaces, points, TARIC), today; None when it
    is not a code of the CBAM list."""
    code = normalise_cn_code(cn_code.strip())
    if not is_cn_code(code):
        return None
    return goods_category_for_cn_code(cn_code=code, on=timezone.localdate())


def product_form(page: OrganisationPage, data: Any, *, cn_code: str, **kwargs: Any) -> ProductForm:
    """The product form with the production routes of the CN code's goods category to choose
    from, its CN code field asking for them again when it changes (htmx)."""
    category = category_of(cn_code)
    routes = [r for r in (category.production_routes if category else []) if r != ALL_ROUTES]
    form = ProductForm(data, routes=routes, **kwargs)
    form.category = category  # type: ignore[attr-defined]
    form.fields["cn_code"].widget.attrs.update(
        {
            "hx-get": reverse("suppliers-pages:product-routes", args=[page.organisation.slug]),
            "hx-trigger": "change",
            "hx-target": "#cn-route",
            "hx-swap": "outerHTML",
        }
    )
    return form


class ProductRoutesPage(OrganisationPage):
    """GET ``?cn_code=``: the CN code field and the routes of its goods category (htmx swaps
    them into the product form when a code is typed or chosen from the search)."""

    role_map = {"GET": WRITER_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        cn_code = str(request.GET.get("cn_code", ""))[:40]
        form = product_form(self, {"cn_code": cn_code}, cn_code=cn_code, installations=[])
        context = self.get_context_data(form=form, category=getattr(form, "category", None))
        return render(request, "suppliers/pages/product_cn_route.html", context)


class CnCodeSearchPage(OrganisationPage):
    """GET ``?q=``: CN codes of the CBAM list by code prefix or description words (English)."""

    role_map = {"GET": WRITER_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        text = str(request.GET.get("q", ""))
        codes = cn_codes_search(text=text, on=timezone.localdate()) if text.strip() else []
        context = self.get_context_data(
            codes=codes, searched=bool(text.strip()), limit=CN_SEARCH_LIMIT
        )
        return render(request, "suppliers/pages/cn_search_results.html", context)


class ProductListPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        products = products_visible_to(organisation=self.organisation)
        context = self.get_context_data(
            products=list(products), can_write=self.role in WRITER_ROLES
        )
        return render(request, "suppliers/pages/product_list.html", context)


class ProductFormPage(_CatalogueFormPage):
    object_kwarg = "product_id"
    template = "suppliers/pages/product_form.html"
    list_url = "suppliers-pages:products"
    saved = gettext_lazy("The product is saved.")

    def queryset(self) -> QuerySet[Product]:
        return products_visible_to(organisation=self.organisation)

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> ServiceForm:
        installations = installations_visible_to(organisation=self.organisation)
        cn_code = str((data if data is not None else initial or {}).get("cn_code", ""))
        return product_form(
            self, data, initial=initial, installations=installations, cn_code=cn_code
        )

    def render_form(self, request: HttpRequest, form: ServiceForm) -> Any:
        context = self.get_context_data(
            form=form, obj=self.obj, category=getattr(form, "category", None)
        )
        return render(request, self.template, context)

    def initial(self) -> dict[str, Any]:
        return {} if self.obj is None else ProductForm.initial_of(self.obj)

    def read(self, form: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: form.text(name)
            for name in ("name", "cn_code", "production_route", "benchmark_route")
        }
        data["installations"] = form.data.getlist("installations")
        data["identifiers"] = lines(form.text("identifiers"))
        return data

    def save(self, data: dict[str, Any]) -> Product:
        if self.obj is None:
            return product_create(actor=self.actor, organisation=self.organisation, data=data)
        return product_update(actor=self.actor, product=self.obj, data=data)
