from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, people, roles, machine clients and the audit log."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the OpenAPI description of bearer-token authentication.
        # Registers the work-row handlers, in web processes (job_create checks the kind)
        # and in workers alike.
        from accounts import jobs  # noqa: F401
        from accounts.api import schema  # noqa: F401
