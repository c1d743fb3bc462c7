from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    """Producers' installations, products and signed product carbon footprints."""

    name = "suppliers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the work-row handlers and the validation rules in web processes and
        # workers alike.
        from suppliers import jobs  # noqa: F401
        from suppliers.validation.loading import rules_load

        rules_load()
