"""Downloads from a footprint's page: the detached signature (JWS) beside the signed document,
and the evidence files. Both are read through the organisation's selectors, so another
organisation's footprint or file answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from suppliers.api.footprints import signature_response, wants_original
from suppliers.models import EvidenceFile, FootprintStatus
from suppliers.pages.footprints import FootprintPage
from suppliers.selectors import evidence_visible_to


class SignaturePage(FootprintPage):
    """The detached JWS over the signed document's exact bytes (``<id>.jws``)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        footprint = self.footprint(kwargs["footprint_id"])
        if footprint.status not in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED):
            messages.error(request, gettext("Only a published footprint has a signed document."))
            return redirect(
                "suppliers-pages:footprint",
                org_slug=self.organisation.slug,
                footprint_id=footprint.pk,
            )
        return signature_response(footprint, original=wants_original(request))


class EvidenceDownloadPage(OrganisationPage):
    """One evidence file, as uploaded (an attachment under its original name)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        evidence = get_object_or_404(
            evidence_visible_to(organisation=self.organisation), pk=kwargs["evidence_id"]
        )
        return evidence_response(evidence)


def evidence_response(evidence: EvidenceFile) -> HttpResponse:
    """An evidence file as uploaded: an attachment under its original name, whole (files are
    small, ``MAX_EVIDENCE_BYTES``), with its length."""
    with evidence.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=evidence.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=evidence.original_name)
    if disposition is not None:
        response["Content-Disposition"] = disposition
    return response
