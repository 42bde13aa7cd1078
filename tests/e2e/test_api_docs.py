"""The API browser at /api/v1/docs works in a real browser under Handoff's
Content-Security-Policy: Swagger UI starts, reads the OpenAPI document and lists the API, and
the browser reports no blocked script, style or request."""

from __future__ import annotations

from playwright.sync_api import Browser


def test_swagger_ui_runs_under_the_content_security_policy(chromium: Browser,
                                                           live_url: str) -> None:
    context = chromium.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        response = page.goto(live_url + "/api/v1/docs")
        assert response is not None and response.ok
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        assert "Handoff" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_selector(".opblock-tag", timeout=20000)
        tags = page.locator(".opblock-tag").all_inner_texts()
        assert any("orders" in tag.lower() for tag in tags), tags
        assert page.locator(".opblock").count() > 20
    finally:
        context.close()
    assert problems == [], problems
