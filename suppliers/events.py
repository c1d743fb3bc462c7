"""The audit actions of a footprint's life, by name: the suppliers app records them
(``accounts.audit.audit_record``) and other apps react to some of them
(``accounts.audit.audit_listen`` in their ``ready()``). Emitters and listeners both use these
names, so an action cannot be renamed on one side only; ``tests/test_events.py`` checks that
every action someone listens for is recorded somewhere.

Listened to today: ``FOOTPRINT_PUBLISHED`` (exchange.boms), ``FOOTPRINT_DEPRECATED``
(exchange.sharing, exchange.boms), ``FOOTPRINT_DECISION_CHANGED`` (exchange.boms),
``FOOTPRINT_VALIDATION_PASSED``, ``FOOTPRINT_VERIFICATION_CONFIRMED`` and
``FOOTPRINT_VERIFICATION_DECLINED`` (exchange.sharing: the verifier and the producer are told).
"""

from __future__ import annotations

# The workflow (suppliers.services.workflow, suppliers.services.publishing).
FOOTPRINT_SUBMITTED = "footprint.submitted"
FOOTPRINT_VALIDATION_PASSED = "footprint.validation_passed"
FOOTPRINT_VALIDATION_FAILED = "footprint.validation_failed"
FOOTPRINT_SUBMISSION_WITHDRAWN = "footprint.submission_withdrawn"
FOOTPRINT_REVALIDATION_REQUESTED = "footprint.revalidation_requested"
FOOTPRINT_APPROVED = "footprint.approved"
FOOTPRINT_REJECTED = "footprint.rejected"
FOOTPRINT_REOPENED = "footprint.reopened"
FOOTPRINT_PUBLISHED = "footprint.published"
FOOTPRINT_DEPRECATED = "footprint.deprecated"
FOOTPRINT_CORRECTION_STARTED = "footprint.correction_started"

# The platform verifier's answer (suppliers.services.verification), recorded in the verifier's
# and in the producer's audit log.
FOOTPRINT_VERIFICATION_CONFIRMED = "footprint.verification_confirmed"
FOOTPRINT_VERIFICATION_DECLINED = "footprint.verification_declined"

#: A stored "default value must be used" decision changed its outcome (allowed ↔ default, or
#: its reasons): a revoked key, a deprecation, a verification added, new reference data.
FOOTPRINT_DECISION_CHANGED = "footprint.decision_changed"
