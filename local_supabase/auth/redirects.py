"""The redirect allow-list: where email links and OAuth sign-ins may send the browser.

As in GoTrue, a URL is allowed when its host is the site URL's host or when it matches one of the
configured patterns. Patterns are globs in which `*` matches within one host label or path segment
(it stops at `.` and `/`), `**` matches anything, and `?` matches one such character. A URL that is
not allowed is replaced by the site URL.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from .errors import AuthError
from .settings import AuthSettings

# GoTrue's mapping from HTTP status to the OAuth 2.0 `error` of an error redirect. Other statuses
# send only `error_code` and `error_description`.
OAUTH_ERRORS = {
    400: "invalid_request",
    401: "unauthorized_client",
    403: "access_denied",
    500: "server_error",
    503: "temporarily_unavailable",
}


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    # NOTE: GoTrue's glob library also understands [...] classes and {a,b} alternatives. Here every
    # character other than * and ? is literal, so a pattern such as http://[::1]:* works as written.
    parts: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith("**", position):
            parts.append(".*")
            position += 2
        elif pattern[position] == "*":
            parts.append("[^./]*")
            position += 1
        elif pattern[position] == "?":
            parts.append("[^./]")
            position += 1
        else:
            parts.append(re.escape(pattern[position]))
            position += 1
    return re.compile("".join(parts))


def is_redirect_allowed(url: str, settings: AuthSettings) -> bool:
    if not url:
        return False
    try:
        target = urlsplit(url)
        site = urlsplit(settings.site_url)
        target_host = target.hostname
    except ValueError:
        return False
    if not target.scheme or not target.netloc:
        return False

    if target_host and target_host == site.hostname:
        return True
    return any(glob_regex(pattern).fullmatch(url) for pattern in settings.redirect_urls)


def redirect_target(requested: str | None, settings: AuthSettings) -> str:
    """Return `requested` when the allow-list permits it, else the site URL."""
    return requested if requested and is_redirect_allowed(requested, settings) else settings.site_url


def with_query(url: str, params: dict[str, str]) -> str:
    """Add `params` to the URL's query string, keeping its other parameters and fragment."""
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def with_fragment(url: str, params: dict[str, str]) -> str:
    """Replace the URL's fragment with `params`, as GoTrue passes tokens of the implicit flow."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, urlencode(params)))


def error_redirect_url(redirect_to: str, error: AuthError, pkce: bool) -> str:
    """Return where a failed email link or OAuth sign-in sends the browser.

    The error goes in the query for PKCE flows, whose app reads the URL on its server, and in the
    fragment otherwise. Like GoTrue, the query of `redirect_to` is dropped in the PKCE case.
    """
    params = {"error_code": error.code, "error_description": error.message}
    if error.status in OAUTH_ERRORS:
        params = {"error": OAUTH_ERRORS[error.status], **params}
    if pkce:
        return with_query(redirect_to.split("?")[0].split("#")[0], params)
    return with_fragment(redirect_to, params)
