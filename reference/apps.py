from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """Versioned CBAM reference data (CN codes, categories, default values, benchmarks, grid
    factors, mark-ups, CBAM factor, CSCF) and the engine snapshot built from it."""

    name = "reference"
    default_auto_field = "django.db.models.BigAutoField"
