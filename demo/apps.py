from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world (data files and the seed commands that feed them to the services)."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
