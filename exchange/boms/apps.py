from django.apps import AppConfig


class BomsConfig(AppConfig):
    """Buyers' complex goods, their bills of materials, aggregated SEE and CBAM exposure."""

    name = "exchange.boms"
    label = "boms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The recompute handler and the audit listeners that enqueue it (web and workers).
        from exchange.boms import jobs

        jobs.listeners_register()
