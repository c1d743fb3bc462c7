"""Background work of the sharing app (work-row handlers, see core.jobs): one service call
each. Registered in ``SharingConfig.ready()`` for web processes and workers alike."""

from __future__ import annotations

import smtplib
from typing import Any

from core.jobs import TransientJobError, register_job_handler
from core.models import Job
from exchange.sharing.services.invitations import (
    invited_requests_announce,
    request_invitation_email_send,
)
from exchange.sharing.services.notifications import EMAIL_JOB, notification_email_send
from exchange.sharing.services.reactions import (
    FOOTPRINT_DEPRECATED_JOB,
    INVITED_REQUESTS_JOB,
    SIGNING_KEY_REVOKED_JOB,
    VERIFICATION_ANSWERED_JOB,
    VERIFICATION_REQUESTED_JOB,
    buyers_notify_footprint_deprecated,
    buyers_notify_signing_key_revoked,
    producer_notify_verification_answered,
    verifier_notify_requested,
)
from exchange.sharing.services.requests import INVITATION_JOB


@register_job_handler(EMAIL_JOB)
def email_notification(job: Job) -> dict[str, Any]:
    """E-mail a notification to its organisation's members, once."""
    return {"sent": notification_email_send(notification_id=job.payload["notification_id"])}


@register_job_handler(INVITATION_JOB)
def send_request_invitation(job: Job) -> dict[str, Any]:
    """E-mail the invitation of a supplier not on the platform (again, as the buyer's reminder,
    with ``reminder`` in the payload); a mail server that is down is retried with backoff."""
    try:
        sent = request_invitation_email_send(
            request_id=job.payload["request_id"], reminder=bool(job.payload.get("reminder"))
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientJobError(f"mail server: {exc}") from exc
    return {"sent": sent}


@register_job_handler(FOOTPRINT_DEPRECATED_JOB)
def notify_footprint_deprecated(job: Job) -> dict[str, Any]:
    """Tell the buyers holding a live grant on a deprecated footprint's lineage."""
    return {
        "notified": buyers_notify_footprint_deprecated(footprint_id=job.payload["footprint_id"])
    }


@register_job_handler(SIGNING_KEY_REVOKED_JOB)
def notify_signing_key_revoked(job: Job) -> dict[str, Any]:
    """Tell the buyers who can read footprints signed with a revoked key."""
    return {"notified": buyers_notify_signing_key_revoked(kid=job.payload["kid"])}


@register_job_handler(INVITED_REQUESTS_JOB)
def announce_invited_requests(job: Job) -> dict[str, Any]:
    """Tell an organisation about requests sent by e-mail to its members."""
    return {"notified": invited_requests_announce(organisation_id=job.payload["organisation_id"])}


@register_job_handler(VERIFICATION_REQUESTED_JOB)
def notify_verification_requested(job: Job) -> dict[str, Any]:
    """Tell a platform verifier that a submission naming it waits for its answer."""
    return {"notified": verifier_notify_requested(footprint_id=job.payload["footprint_id"])}


@register_job_handler(VERIFICATION_ANSWERED_JOB)
def notify_verification_answered(job: Job) -> dict[str, Any]:
    """Tell a producer that its platform verifier confirmed or declined a submission."""
    return {
        "notified": producer_notify_verification_answered(decision_id=job.payload["decision_id"])
    }
