from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Buyers' footprint requests, suppliers' grants and the notifications about them."""

    name = "exchange.sharing"
    label = "sharing"
    default_auto_field = "django.db.models.BigAutoField"
