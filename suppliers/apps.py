from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    """Producers' installations, products and signed product carbon footprints."""

    name = "suppliers"
    default_auto_field = "django.db.models.BigAutoField"
