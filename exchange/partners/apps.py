from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """The platform as a PACT client and the events it exchanges with other PACT hosts
    (issue 17, docs/pact.md): partner hosts an organisation registers, footprints fetched from
    them, requests sent to them, and the events delivered to them as work rows."""

    name = "exchange.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exchange.partners import jobs, listeners  # noqa: F401
