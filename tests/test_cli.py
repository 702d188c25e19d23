from server.extensions import db
from server.models import ApiToken, Employer, User


def test_create_employer_user_and_token_then_use_the_token(runner, client):
    employer_id = runner.invoke(args=["create-employer", "福清融侨电子"]).output.strip()
    assert db.session.get(Employer, employer_id).name == "福清融侨电子"
    result = runner.invoke(args=["create-user", "rq-hr", "--role", "employer", "--employer",
                                 employer_id])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["create-token", "rq-hr"]).output.strip()
    assert token.startswith("lp_")
    assert all(token not in (row.token_hash, row.name) for row in db.session.query(ApiToken))
    response = client.get("/api/workers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["total"] == 0


def test_create_user_refuses_a_scoped_role_without_its_scope(runner):
    result = runner.invoke(args=["create-user", "someone", "--role", "county"])
    assert result.exit_code != 0 and "county_code" in result.output
    # a county outside the program: unknown, a Fuzhou district, a former code, a code and a newline
    for code in ("999999", "350102", "622424", "621121\n"):
        result = runner.invoke(args=["create-user", "someone", "--role", "county", "--county",
                                     code])
        assert result.exit_code != 0 and "origin county of the program" in result.output, code
    result = runner.invoke(args=["create-user", "someone", "--role", "employer", "--employer",
                                 "nope"])
    assert result.exit_code != 0
    assert db.session.query(User).count() == 0


def test_seed_demo_fills_once_and_records_are_consistent(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "30 workers" in first.output
    assert "skipped" in runner.invoke(args=["seed-demo"]).output
    token = runner.invoke(args=["create-token", "minjiang-hr"]).output.strip()
    mine = client.get("/api/workers", headers={"Authorization": f"Bearer {token}"}).json
    assert 0 < mine["total"] < 30 and all(w["status"] == "employed" for w in mine["items"])
    check = runner.invoke(args=["rebuild-records", "--check"])
    assert check.exit_code == 0 and check.output.startswith("0 record")


def test_enroll_prints_a_code_that_starts_a_passkey_registration(runner, client):
    code = runner.invoke(args=["enroll", "admin-2", "--role", "admin"]).output.strip()
    assert len(code) == 10
    response = client.post("/api/auth/register/options", json={"name": "admin-2", "code": code})
    assert response.status_code == 200 and response.json["user"]["name"] == "admin-2"


def test_audit_verify_reports_an_intact_chain(runner):
    runner.invoke(args=["enroll", "someone", "--role", "greeter", "--station", "福州站"])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
