"""The emails of the auth service: a code and a link per email, written to the local inbox.

Each template carries both the 6-digit code (for apps that ask the user to type it, as this
dashboard does) and the link (for apps that use redirects), as a hosted project's templates should.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from ..inbox import store_message
from .flow_states import EMAIL_PROVIDER_TYPE, create_flow_state
from .one_time_tokens import CONFIRMATION, EMAIL_CHANGE_CURRENT, EMAIL_CHANGE_NEW, RECOVERY, issue_token
from .service import AuthService
from .users import Connection

# The verification type of each email, i.e. the `type` of its link, and the token it stores.
TOKEN_TYPES = {
    "signup": CONFIRMATION,
    "invite": CONFIRMATION,
    "magiclink": RECOVERY,
    "recovery": RECOVERY,
    "email_change": EMAIL_CHANGE_NEW,
    "email_change_current": EMAIL_CHANGE_CURRENT,
}

SUBJECTS = {
    "signup": "Confirm your signup",
    "invite": "You have been invited",
    "magiclink": "Your sign-in code",
    "recovery": "Reset your password",
    "email_change": "Confirm your new email address",
    "email_change_current": "Confirm the change of your email address",
}

INTRODUCTIONS = {
    "signup": "Confirm your email address to finish signing up.",
    "invite": "You have been invited to create an account.",
    "magiclink": "Use this code to sign in.",
    "recovery": "Use this code to reset your password.",
    "email_change": "Confirm {email} as your new email address.",
    "email_change_current": "Confirm the change of your email address to {email}.",
}


@dataclass(frozen=True)
class Verification:
    """A code and link just stored for one address."""

    kind: str
    otp: str
    token_hash: str
    action_link: str
    redirect_to: str


def verify_link(service: AuthService, token_hash: str, link_type: str, redirect_to: str) -> str:
    query = urlencode({"token": token_hash, "type": link_type, "redirect_to": redirect_to})
    return f"{service.ctx.api_url}/auth/v1/verify?{query}"


def render_email(service: AuthService, kind: str, otp: str, link: str, email: str) -> tuple[str, str]:
    """Return the subject and text body of an email of this kind."""
    minutes = max(1, service.settings.otp_expiry_seconds // 60)
    body = (
        f"{INTRODUCTIONS[kind].format(email=email)}\n\n"
        f"Your code: {otp}\n\n"
        f"Or open this link:\n{link}\n\n"
        f"The code and the link work once and expire in {minutes} minutes.\n"
        "If you did not ask for this email, ignore it.\n"
    )
    return SUBJECTS[kind], body


async def issue_verification(
    conn: Connection,
    service: AuthService,
    *,
    user_id: uuid.UUID,
    kind: str,
    address: str,
    redirect_to: str,
    code_challenge: str = "",
    code_challenge_method: str = "",
) -> Verification:
    """Store a new code for `address` and, for a PKCE request, the flow state its link completes."""
    pkce = bool(code_challenge)
    issued = await issue_token(conn, user_id, TOKEN_TYPES[kind], address, pkce=pkce)
    # Both halves of an email change are verified with type=email_change.
    link_type = "email_change" if kind.startswith("email_change") else kind
    if pkce:
        await create_flow_state(
            conn,
            user_id=user_id,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            provider_type=EMAIL_PROVIDER_TYPE,
            authentication_method=link_type,
        )

    link = verify_link(service, issued.token_hash, link_type, redirect_to)
    return Verification(
        kind=kind, otp=issued.otp, token_hash=issued.token_hash, action_link=link, redirect_to=redirect_to
    )


async def send_verification_email(
    conn: Connection,
    service: AuthService,
    *,
    user_id: uuid.UUID,
    kind: str,
    address: str,
    redirect_to: str,
    code_challenge: str = "",
    code_challenge_method: str = "",
    shown_email: str = "",
) -> Verification:
    """Issue a code and write the email that carries it to the local inbox.

    `shown_email` is the address the body names, e.g. the new address of an email change.
    """
    verification = await issue_verification(
        conn,
        service,
        user_id=user_id,
        kind=kind,
        address=address,
        redirect_to=redirect_to,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )
    subject, body = render_email(
        service, kind, verification.otp, verification.action_link, shown_email or address
    )
    await store_message(conn, address, subject, body)
    return verification
