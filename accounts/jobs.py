"""Background work of the accounts app (work-row handlers, see core.jobs)."""

from __future__ import annotations

import smtplib
from typing import Any

from accounts.services.invitations import invitation_email_send
from accounts.services.password_reset import password_reset_email_send
from core.crypto import decrypt
from core.jobs import TransientJobError, register_job_handler
from core.models import Job


@register_job_handler("accounts.send_invitation_email")
def send_invitation_email(job: Job) -> dict[str, Any]:
    """Email an invitation link; a mail server that is down is retried with backoff."""
    raw_token = decrypt(job.payload["token_encrypted"]).decode()
    try:
        sent = invitation_email_send(
            invitation_id=job.payload["invitation_id"], raw_token=raw_token
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientJobError(f"mail server: {exc}") from exc
    return {"sent": sent}


@register_job_handler("accounts.send_password_reset_email")
def send_password_reset_email(job: Job) -> dict[str, Any]:
    """Email a password-reset link; a mail server that is down is retried with backoff."""
    raw_token = decrypt(job.payload["token_encrypted"]).decode()
    try:
        sent = password_reset_email_send(
            token_id=job.payload["token_id"],
            raw_token=raw_token,
            language=job.payload.get("language", ""),
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientJobError(f"mail server: {exc}") from exc
    return {"sent": sent}
