from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, people, roles, machine clients and the audit log."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the OpenAPI description of bearer-token authentication.
        from accounts.api import schema  # noqa: F401
