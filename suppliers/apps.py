from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    """Producers' installations, products and signed product carbon footprints."""

    name = "suppliers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the work-row handlers in web processes and workers.
        from suppliers import jobs  # noqa: F401
