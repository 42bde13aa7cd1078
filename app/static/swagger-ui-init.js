// Starts Swagger UI on /api/v1/docs. It lives in a file, not in the page, because Handoff's
// Content-Security-Policy runs no inline script.
"use strict";
window.addEventListener("load", () => {
  const container = document.getElementById("swagger-ui-container");
  const config = Object.assign(
    {url: container.dataset.specUrl, dom_id: "#swagger-ui-container"},
    JSON.parse(container.dataset.config || "{}"));
  window.ui = window.SwaggerUIBundle(config);
});
