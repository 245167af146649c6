"""The security headers on every answer: Flask's (the app factory) and gunicorn's own error answers
(``gunicorn_worker``), defined once here so that neither imports the other."""

from __future__ import annotations

from typing import Any

# No inline script or style anywhere: the page's script and stylesheet are files under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Any) -> Any:
    """An ``after_request`` hook: the headers, unless the view set its own."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
