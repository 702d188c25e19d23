// Starts Swagger UI for /api/docs from a file, not an inline script, so the strict CSP holds.
const container = document.getElementById('swagger-ui-container');
window.ui = window.SwaggerUIBundle({ url: container.dataset.specUrl, dom_id: '#swagger-ui-container' });
