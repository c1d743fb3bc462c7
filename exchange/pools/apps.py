from django.apps import AppConfig

#: The navigation fact "invited to, or a member of, a data pool" (``flags`` of a page).
POOL_MEMBER_FLAG = "pool_member"


class PoolsConfig(AppConfig):
    """Industry associations' data pools: members contribute signed footprints, everyone sees
    sector statistics that cannot be traced back to a company (issue 16, docs/pools.md)."""

    name = "exchange.pools"
    label = "pools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A contributed lineage follows its footprints: a new version, a deprecation or a
        # verifier's decision changes the cells it falls in.
        from accounts.audit import audit_listen
        from accounts.selectors import navigation_flag_register
        from exchange.pools import listeners, selectors
        from suppliers import events as suppliers_events

        audit_listen(
            suppliers_events.FOOTPRINT_PUBLISHED,
            suppliers_events.FOOTPRINT_DEPRECATED,
        )(listeners.on_footprint_event)

        # Navigation shows a company its data pools while it is invited to or in one.
        navigation_flag_register(POOL_MEMBER_FLAG, selectors.open_membership_exists)
