"""Security headers on every response — pages, API, static files, errors — with HSTS only over
TLS, and X-Forwarded-* believed only from proxies Handoff was told to trust. No page of Handoff
carries inline script or style, so the Content-Security-Policy needs neither."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from tests.conftest import app_config
from tests.web.conftest import Browser

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def assert_protected(response: Any, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("script-src") == "'self'", (what, csp)
    assert directives.get("style-src") == "'self'", (what, csp)
    assert directives.get("object-src") == "'none'", (what, csp)
    assert directives.get("frame-ancestors") == "'none'", (what, csp)
    assert "base-uri" in directives and "form-action" in directives, (what, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (what, csp)
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy"), what


def test_every_kind_of_response_carries_the_security_headers(browser: Browser) -> None:
    app = browser.app

    @app.get("/boom-for-the-test")
    def boom() -> Any:
        raise RuntimeError("an unexpected failure")

    client = browser.client
    responses = {
        "sign-in page": client.get("/sign-in"),
        "redirect to sign-in": client.get("/deals"),
        "API answer": client.get("/api/v1/health"),
        "API refusal": client.get("/api/v1/deals"),
        "unknown address": client.get("/no-such-page"),
        "wrong method": client.delete("/api/v1/health"),
        "static file": client.get("/static/handoff.css"),
        "OpenAPI document": client.get("/api/v1/openapi.json"),
        "API browser": client.get("/api/v1/docs"),
        "API browser asset": client.get("/api/v1/docs-assets/swagger-ui-bundle.js"),
        "metrics": client.get("/metrics"),
        "server error": client.get("/boom-for-the-test"),
    }
    assert responses["server error"].status_code == 500
    assert responses["unknown address"].status_code == 404
    browser.sign_in("mia")
    responses["a signed-in page"] = client.get("/deals")
    assert responses["a signed-in page"].status_code == 200
    for what, response in responses.items():
        assert_protected(response, what)


def test_hsts_is_sent_over_tls_only(browser: Browser) -> None:
    plain = browser.client.get("/sign-in")
    assert "Strict-Transport-Security" not in plain.headers
    secure = browser.client.get("/sign-in", base_url="https://handoff.example")
    hsts = secure.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000


def _app_behind(hops: int, db_url: str, tmp_path: Path) -> Flask:
    return create_app(app_config(db_url, tmp_path / f"instance-{hops}", PROXY_HOPS=hops))


def test_a_forwarded_https_claim_is_ignored_unless_the_proxy_is_trusted(db_url: str,
                                                                       tmp_path: Path) -> None:
    claim = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    untrusted = _app_behind(0, db_url, tmp_path).test_client()
    response = untrusted.get("/api/v1/health", headers=claim)
    assert "Strict-Transport-Security" not in response.headers

    trusted_app = _app_behind(1, db_url, tmp_path)
    seen: dict[str, Any] = {}

    @trusted_app.get("/who-am-i")
    def who() -> Any:
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return {}

    response = trusted_app.test_client().get("/who-am-i", headers=claim)
    assert "Strict-Transport-Security" in response.headers
    assert seen == {"addr": "203.0.113.9", "secure": True}


class _ScriptsAndStyles(HTMLParser):
    """Inline script, inline style, event-handler attributes and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            if not named.get("src"):
                self.found.append("<script> without src")
            else:
                self.scripts.append(named["src"] or "")
            self._in = "script"
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} of <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self._in = None if tag == "script" else self._in

    def handle_data(self, data: str) -> None:
        if self._in == "script" and data.strip():
            self.found.append("code inside <script>")


def inline_code_in(html: str) -> _ScriptsAndStyles:
    reader = _ScriptsAndStyles()
    reader.feed(html)
    return reader


def test_the_api_browser_page_runs_no_inline_script_and_its_scripts_are_served(
        browser: Browser) -> None:
    page = browser.client.get("/api/v1/docs")
    assert page.status_code == 200
    reader = inline_code_in(page.get_data(as_text=True))
    assert reader.found == []
    assert len(reader.scripts) == 3
    for src in reader.scripts:
        assert src.startswith("/"), src  # same origin: script-src 'self' allows it
        script = browser.client.get(src)
        assert script.status_code == 200, src
        assert "javascript" in script.mimetype, (src, script.mimetype)
    assert "/static/swagger-ui-init.js" in reader.scripts
    spec = re.search(r'data-spec-url="([^"]+)"', page.get_data(as_text=True))
    assert spec and browser.client.get(spec.group(1)).status_code == 200


@pytest.mark.parametrize("path", sorted(str(p.relative_to(TEMPLATES))
                                        for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_inline_script_or_style(path: str) -> None:
    source = (TEMPLATES / path).read_text(encoding="utf-8")
    # Jinja expressions are not HTML; blank them so the parser reads the markup around them.
    markup = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "x", source, flags=re.S)
    assert inline_code_in(markup).found == [], path


def test_the_rendered_pages_hold_no_inline_script_or_style(browser: Browser) -> None:
    browser.sign_in("mia")
    for path in ("/sign-in", "/deals", "/deals/1", "/deals/new", "/kickoffs"):
        page = browser.client.get(path)
        assert page.status_code == 200, path
        assert inline_code_in(page.get_data(as_text=True)).found == [], path
