from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Buyers' footprint requests, suppliers' grants and the notifications about them."""

    name = "exchange.sharing"
    label = "sharing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Work-row handlers (web processes check the kind, workers run it) and the audit
        # listeners that react to suppliers' and accounts' events.
        from exchange.sharing import jobs, listeners  # noqa: F401
