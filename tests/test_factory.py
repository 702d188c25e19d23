from sqlalchemy import delete, event, text

from server import create_app
from server.domain.subsidies import PRESETS
from server.extensions import db
from server.models import SubsidyPolicy


def test_config_comes_from_test_mapping(app, database_url):
    assert app.config["TESTING"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == database_url


def test_instance_keys_are_generated_once_and_kept(tmp_path, database_url):
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "LABORPASS_INSTANCE_DIR": str(tmp_path)}
    first, second = create_app(config), create_app(config)
    assert len(first.config["LABORPASS_DATA_KEY"]) == 32
    assert first.config["LABORPASS_DATA_KEY"] == second.config["LABORPASS_DATA_KEY"]
    assert first.config["LABORPASS_INDEX_KEY"] != first.config["LABORPASS_DATA_KEY"]
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "keys" / "data.key").stat().st_mode & 0o077 == 0


def test_openapi_documents_every_route_with_schemas(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/workers", "/api/workers/{worker_id}", "/api/workers/{worker_id}/events",
                 "/api/workers/{worker_id}/credentials", "/api/scan/verify", "/api/keys",
                 "/api/cards/sheet"):
        assert path in spec["paths"], path
    post = spec["paths"]["/api/workers"]["post"]
    assert "requestBody" in post and {"201", "409", "422"} <= set(post["responses"])
    assert spec["paths"]["/api/health"]["get"]["security"] == []
    assert spec["security"] == [{"bearerAuth": []}]


def test_docs_page_loads_nothing_from_other_origins(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/swagger-ui/" in html
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


def test_unknown_api_route_answers_json_error(client, auth):
    response = client.get("/api/nowhere", headers=auth.headers())
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_unreachable_database_answers_503_with_retry_after(tmp_path, auth, client):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "LABORPASS_INSTANCE_DIR": str(tmp_path)})
    response = app.test_client().get("/api/workers", headers=auth.headers())
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json["code"] == "database_unavailable"
    assert app.test_client().get("/api/health").status_code == 503


def test_security_headers_on_html_json_and_assets(client, auth):
    for path, headers in (("/", {}), ("/api/workers", auth.headers()),
                          ("/manifest.webmanifest", {}), ("/api/docs", {})):
        response = client.get(path, headers=headers)
        csp = response.headers["Content-Security-Policy"]
        assert (
            "script-src 'self' 'wasm-unsafe-eval';" in csp
            and "unsafe-inline" not in csp
            and "object-src 'none'" in csp
        )
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "camera=(self)" in response.headers["Permissions-Policy"]
        response.close()
    assert (
        client.get("/api/workers", headers=auth.headers()).headers["Cache-Control"] == "no-store"
    )
    assert "<script>" not in client.get("/api/docs").get_data(as_text=True)


def test_readiness_needs_the_current_schema_and_a_signing_key(app, client, runner):
    response = client.get("/api/health/ready")
    assert response.status_code == 503 and response.json["code"] == "no_signing_key"
    assert response.headers["Retry-After"] == "30"
    # the test's session shares the app context: end its read before migrating
    db.session.rollback()
    assert runner.invoke(args=["init-db"]).output.endswith("database ready\n")
    ready = client.get("/api/health/ready")
    head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert (
        ready.status_code == 200
        and ready.json["schema"] == head
        and len(ready.json["signing_key"]) == 8
    )
    # code deployed, init-db not run
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        stale = client.get("/api/health/ready")
        assert (
            stale.status_code == 503
            and stale.json["code"] == "schema_not_current"
            and "0001" in stale.json["message"]
        )
        assert client.get("/api/health").status_code == 200  # alive all the same: no restart loop
    finally:  # PostgreSQL's schema outlives the test
        db.session.rollback()
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()


def test_init_db_puts_in_the_seed_policies_once_and_reading_them_writes_nothing(
    client, auth, runner
):
    """The seed's policies come with ``laborpass init-db``; a GET never writes (it used to put them
    in on the first read, so a GET committed)."""
    db.session.execute(delete(SubsidyPolicy))
    db.session.commit()
    statements = []

    def listen(conn, cursor, statement, *_):
        statements.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert client.get("/api/policies", headers=auth.headers("admin")).json == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert statements and not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    db.session.rollback()
    for _ in range(2):  # on every deploy: once there are policies, nothing more
        assert runner.invoke(args=["init-db"]).output.endswith("database ready\n")
        codes = client.get("/api/policies", headers=auth.headers("admin")).json
        assert sorted((p["code"], p["version"]) for p in codes) == sorted((p.code, p.version)
                                                                          for p in PRESETS)
        db.session.rollback()  # the request's session is the test's: end its read before migrating
