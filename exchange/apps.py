from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Requests, sharing, bills of materials, CBAM calculations and declarations."""

    name = "exchange"
    default_auto_field = "django.db.models.BigAutoField"
