from django.apps import AppConfig


class BomsConfig(AppConfig):
    """Buyers' complex goods, their bills of materials, aggregated SEE and CBAM exposure."""

    name = "exchange.boms"
    label = "boms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The recompute handler (web and workers), and the audit listeners that enqueue it:
        # every change elsewhere that alters a bill of materials' inputs.
        from accounts import events as accounts_events
        from accounts.audit import audit_listen
        from exchange.boms import jobs
        from exchange.partners import events as partners_events
        from exchange.sharing import events as sharing_events
        from reference import events as reference_events
        from suppliers import events as suppliers_events

        audit_listen(
            suppliers_events.FOOTPRINT_PUBLISHED,
            suppliers_events.FOOTPRINT_DEPRECATED,
            suppliers_events.FOOTPRINT_DECISION_CHANGED,
        )(jobs.on_footprint_event)
        audit_listen(accounts_events.SIGNING_KEY_REVOKED)(jobs.on_key_revoked)
        audit_listen(sharing_events.GRANT_CREATED, sharing_events.GRANT_REVOKED)(
            jobs.on_grant_event
        )
        audit_listen(reference_events.REFERENCE_VERSION_LOADED)(jobs.on_reference_loaded)
        audit_listen(partners_events.FETCHED_SUPERSEDED)(jobs.on_fetched_superseded)
