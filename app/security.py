"""Security headers on every response, and which proxy in front of Handoff may be believed.

The headers are the same on every response (pages, API, static files, errors): a page of
Handoff runs only its own script and style files, is never framed, and its content type is
never guessed. HSTS is sent only on a request that arrived over TLS; behind a reverse proxy that
is known only from `X-Forwarded-Proto`, which is believed only when `PROXY_HOPS` says how many
proxies stand in front (anyone can send that header otherwise).
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: a script injected into a page by a stored note or a
# crafted name cannot run. `data:` images are the icons Swagger UI's stylesheet embeds.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HSTS = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def add_security_headers(response: Response) -> Response:
    """The fixed headers on every response; HSTS only over TLS."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def trust_proxies(app: Flask, hops: int) -> None:
    """Believe X-Forwarded-For/-Proto/-Host/-Port from exactly `hops` proxies in front."""
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_security(app: Flask) -> None:
    trust_proxies(app, int(app.config.get("PROXY_HOPS") or 0))
    app.after_request(add_security_headers)
