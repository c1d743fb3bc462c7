from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Platform infrastructure shared by every domain app: errors, request ids, work rows."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The deployment's own system checks (``check --deploy``).
        from core import checks  # noqa: F401
