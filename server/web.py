"""Serves the built PWA (pwa/dist): the shell, its assets and the bundled API docs UI."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, request, send_from_directory
from werkzeug.exceptions import NotFound

blp = Blueprint("web", __name__)

NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>LaborPass</title>"
    "<p>PWA 尚未构建：请运行 <code>scripts/run</code>。 The PWA is not built: run "
    "<code>scripts/run</code>."
)


@blp.route("/", defaults={"path": "index.html"})
@blp.route("/<path:path>")
def asset(path: str):
    if path == "api" or path.startswith("api/"):
        raise NotFound()
    root = Path(current_app.config["LABORPASS_PWA_DIR"])
    if not (root / "index.html").is_file():
        return NOT_BUILT, 503
    try:
        response = send_from_directory(root, path, max_age=_max_age(path))
    except NotFound:
        if "." in Path(path).name:
            raise
        response = send_from_directory(root, "index.html", max_age=0)  # client-side routes
    if path in ("sw.js", "index.html"):
        response.headers["Cache-Control"] = "no-cache"
    return response


CONTENT_SECURITY_POLICY = "; ".join((
    # wasm-unsafe-eval lets the QR decoder's WebAssembly run (our own file); no inline or eval'd
    # script.
    "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
    "manifest-src 'self'", "connect-src 'self'",
    "img-src 'self' data: blob:", "media-src 'self' blob:", "style-src 'self'",
    "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response):
    """Every response: a strict CSP (no inline script), no referrer, no sniffing; API answers are
    never stored by browsers or proxies, since most carry personal data."""
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def _max_age(path: str) -> int:
    return 0 if path in ("sw.js", "index.html", "manifest.webmanifest") else 3600
