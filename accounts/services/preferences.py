"""A person's own settings."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from core.errors import ValidationFailed


def user_set_language(*, user: User, language: str) -> User:
    """The language of the person's pages and e-mails ("" = follow the browser)."""
    codes = {code for code, _ in settings.LANGUAGES}
    if language and language not in codes:
        raise ValidationFailed(
            f"Unknown language {language!r}; expected one of {', '.join(sorted(codes))}.",
            fields={"language": [f"expected one of {', '.join(sorted(codes))}"]},
        )
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return user
