from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages people use: layout, language, the dashboard and the root of every area's
    pages (each area keeps its own pages beside its API, e.g. ``suppliers/pages/``)."""

    name = "web"
    default_auto_field = "django.db.models.BigAutoField"
