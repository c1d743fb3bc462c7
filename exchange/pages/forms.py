"""The forms of the exchange pages, and how a service's error reaches them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from exchange.sharing.models import RequestStatus

#: What a person may write as a reason (the buyer reads it in a notification and an e-mail).
REASON_MAX_LENGTH = 2000


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *RequestStatus.choices],
        required=False,
    )


class FulfilForm(forms.Form):
    """The published footprints that answer a request (``choices``: the supplier's own)."""

    footprints = forms.MultipleChoiceField(
        label=_("Footprints to share"),
        error_messages={
            "required": _("Choose at least one published footprint to share with the buyer."),
            "invalid_choice": _(
                "%(value)s is not one of your published footprints any more; choose again."
            ),
        },
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["footprints"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Say why; the buyer is told.")},
    )


class RejectForm(ReasonForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["reason"]
        field.label = _("Why you cannot answer")
        field.help_text = _("The buyer reads it; EU default values then apply to these goods.")
        field.error_messages["required"] = _("Say why you cannot answer; it is sent to the buyer.")


class RevokeForm(ReasonForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["reason"]
        field.label = _("Why the buyer loses access")
        field.help_text = _("The buyer reads it; its calculations fall back to default values.")
        field.error_messages["required"] = _(
            "Say why the buyer loses access; it is sent to the buyer."
        )


class PrecursorForm(forms.Form):
    """One purchased precursor of an import: the draft it belongs to and its position there
    (hidden fields of each row's buttons)."""

    footprint = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Say which draft footprint; use the page's buttons.")},
    )
    position = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": _("Say which precursor; use the page's buttons.")},
    )


class PrecursorLinkForm(PrecursorForm):
    source_footprint = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the footprint to link; use its Link button.")},
    )


class PrecursorRequestForm(PrecursorForm):
    due_date = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def form_errors_add(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's error on the form: each entry of its ``fields`` at the field it names
    (``footprints[2]`` at ``footprints``), anything else above the form."""
    fields = error.extra.get("fields") or {}
    for name, messages in fields.items():
        base = str(name).split("[", 1)[0]
        form.add_error(base if base in form.fields else None, list(messages))
    if not fields:
        form.add_error(None, error.message)
