from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Importers' shipments, the 50-tonne de minimis threshold and the annual declaration."""

    name = "exchange.declarations"
    label = "declarations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The work row of an upload from the pages (web processes check the kind, workers
        # run it).
        from exchange.declarations import jobs  # noqa: F401
