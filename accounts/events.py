"""The audit actions of the accounts app that other apps react to, by name: the services
record them (``accounts.audit.audit_record``), listeners in other apps' ``ready()`` register
for them (``accounts.audit.audit_listen``). ``tests/test_events.py`` checks that every action
someone listens for is recorded somewhere.
"""

from __future__ import annotations

#: A new organisation (exchange.sharing: requests waiting for its members' addresses).
ORGANISATION_CREATED = "organisation.created"
#: Someone joined an organisation (exchange.sharing, as above).
MEMBERSHIP_CREATED = "membership.created"
#: A signing key was revoked (exchange.sharing notifies buyers; exchange.boms recomputes).
SIGNING_KEY_REVOKED = "signing_key.revoked"
