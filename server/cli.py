"""The project's own commands of the Flask CLI (``laborpass``: ``server/console.py``), added by
``create_app``."""

from __future__ import annotations

from pathlib import Path

import click
import flask_migrate
from flask import Flask, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError

from schemas.regions import CountyInSchema, PrefectureInSchema, WorkstationInSchema
from server.domain.regions import SIDES
from server.errors import DomainError, InvalidInput
from server.extensions import db
from server.models import ROLES, Employer, User, current_programme
from server.services import (
    audit,
    audit_head,
    auth,
    backups,
    demo,
    enrollment,
    keyring,
    programme,
    retention,
    subsidies,
)
from server.services.events import rebuild_all_records


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database (migrations), put in the seed's subsidy policies if there are
    none, and make sure a signing key exists."""
    flask_migrate.upgrade()
    subsidies.install_presets()
    programme.install_shipped()
    keyring.active_signing_key()
    db.session.commit()
    click.echo("database ready")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load demo employers, users and workers (only into an empty database)."""
    click.echo(demo.seed_demo())


@click.command("create-employer")
@click.argument("name")
@with_appcontext
def create_employer_command(name):
    """Create an employer; prints its id."""
    employer = Employer(name=name)
    db.session.add(employer)
    db.session.commit()
    click.echo(employer.id)


@click.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--county", "county_code", help="county code, for county/workstation/fair_staff")
@click.option("--employer", "employer_id", help="employer id, for employer users")
@click.option("--station", help="station name, for greeters")
@with_appcontext
def create_user_command(name, role, county_code, employer_id, station):
    """Create a user with a role and its scope; prints the user's id."""
    try:  # the scope as an enrollment checks it: a program county, an employer of the program
        enrollment.check_scope(role, county_code, employer_id, station)
    except InvalidInput as exc:
        raise click.UsageError(_fields(exc.details["errors"])) from None
    user = User(name=name, role=role, county_code=county_code, employer_id=employer_id,
                station=station)
    db.session.add(user)
    db.session.commit()
    click.echo(user.id)


@click.command("create-token")
@click.argument("user_name")
@click.option("--label", default="cli", help="what the token is for")
@click.option("--days", default=365, show_default=True, help="days until it expires (0: never)")
@with_appcontext
def create_token_command(user_name, label, days):
    """Print a new Bearer token for USER_NAME (shown once; only its hash is stored)."""
    token = auth.create_token(auth.find_user(user_name), label, days=days or None)
    db.session.commit()
    click.echo(token)


@click.command("enroll")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r for r in ROLES if r != "worker"]))
@click.option("--county", "county_code", help="county code, for county/workstation/fair_staff")
@click.option("--employer", "employer_id", help="employer id, for employer users")
@click.option("--station", help="station name, for greeters")
@with_appcontext
def enroll_command(name, role, county_code, employer_id, station):
    """Print a one-time code (15 minutes) with which NAME registers a passkey in the app."""
    _enrollment, code = enrollment.create_enrollment(None, name=name, role=role,
                                                     county_code=county_code,
                                                   employer_id=employer_id, station=station)
    click.echo(code)


@click.group("program")
def program_group():
    """The program's regions: its prefectures, counties and workstations (audited)."""


def _program_change(change, schema, values: dict):
    """Run ``change`` on ``values`` checked as the API checks them; a refusal is told by field."""
    try:
        result = change(schema().load({k: v for k, v in values.items() if v is not None}))
    except ValidationError as exc:
        raise click.UsageError(_fields(exc.messages)) from None
    except InvalidInput as exc:
        raise click.UsageError(_fields(exc.details["errors"])) from None
    except DomainError as exc:
        raise click.UsageError(exc.message) from None
    return result


def _fields(errors: dict) -> str:
    return "; ".join(f"{field}: {' '.join(map(str, messages))}"
                     for field, messages in errors.items())


@program_group.command("list")
@with_appcontext
def program_list_command():
    """Print every prefecture with its counties (current code, former code, name)."""
    programme = current_programme()
    for prefecture in programme.prefectures:
        click.echo(f"{prefecture.code} {prefecture.province}{prefecture.name} ({prefecture.side})")
        for county in programme.counties:
            if county.prefecture_code == prefecture.code:
                former = f" (former {county.former_code})" if county.former_code else ""
                click.echo(f"  {county.code}{former} {county.name}")


@program_group.command("add-prefecture")
@click.argument("code")
@click.argument("name")
@click.option("--province", required=True)
@click.option("--pinyin")
@click.option("--side", type=click.Choice(SIDES), default="origin", show_default=True)
@with_appcontext
def program_add_prefecture_command(code, name, province, pinyin, side):
    """Add a prefecture (CODE ends in 00, e.g. 621200) to the program."""
    _program_change(lambda data: programme.add_prefecture(data, None), PrefectureInSchema,
                    {"code": code, "name": name, "province": province, "pinyin": pinyin,
                     "side": side})
    click.echo(f"{code} {name} added")


@program_group.command("add-county")
@click.argument("code")
@click.argument("name")
@click.option("--prefecture", "prefecture_code", required=True)
@click.option("--pinyin")
@click.option("--former-code", help="the earlier period's code, still on older ID numbers")
@click.option("--former-name")
@with_appcontext
def program_add_county_command(code, name, prefecture_code, pinyin, former_code, former_name):
    """Add a county (its current CODE) to the program under its prefecture."""
    _program_change(lambda data: programme.add_county(data, None), CountyInSchema,
                    {"code": code, "name": name, "prefecture_code": prefecture_code,
                     "pinyin": pinyin, "former_code": former_code, "former_name": former_name})
    click.echo(f"{code} {name} added")


@program_group.command("workstation")
@click.argument("county_code")
@click.option("--name")
@click.option("--address")
@click.option("--phone")
@click.option("--established-on", help="YYYY-MM-DD")
@with_appcontext
def program_workstation_command(county_code, name, address, phone, established_on):
    """Set what is given of an origin county's workstation in the destination."""
    station = _program_change(
        lambda data: programme.set_workstation(county_code, data, None), WorkstationInSchema,
        {"name": name, "address": address, "phone": phone, "established_on": established_on})
    click.echo(f"{county_code}: {station.name or '—'}, {station.address or '—'}, "
               f"{station.shown_to_workers}")


@click.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("verify")
@click.option("--head", "head_file", type=click.Path(dir_okay=False, path_type=Path),
              help="a signed head to check against: a head file, or a log holding head lines (the "
                   "longest is taken); default: the instance folder's audit-head.json")
@with_appcontext
def audit_verify_command(head_file):
    """Check the audit trail's hash chain, then the table against the latest signed head: exit 1
    naming the first entry that was altered, or the cut tail."""
    broken = audit.verify_chain()
    head = audit_head.read_head(head_file) if head_file else audit_head.instance_head()
    if head_file and head is None:
        click.echo(f"no audit head in {head_file}")
        raise SystemExit(1)
    problem = audit_head.check(db.session, head, broken) if head else None
    if broken is not None or problem:
        click.echo("; ".join(filter(None, [f"audit chain broken at entry {broken}"
                                           if broken is not None else None, problem])))
        raise SystemExit(1)
    click.echo("audit chain intact" + (f" ({head['count']} entries, as its signed head says)"
                                       if head else
                                       " (no signed head found: a cut tail would go unseen)"))


@click.command("rebuild-records")
@click.option("--check", is_flag=True, help="only report records that differ from a fresh fold")
@with_appcontext
def rebuild_records_command(check):
    """Re-fold every worker's record from its events."""
    differing = rebuild_all_records(check_only=check)
    if not check:
        db.session.commit()
    click.echo(f"{len(differing)} record(s) {'differ' if check else 'rebuilt with changes'}")
    if check and differing:
        raise SystemExit(1)


@click.command("retention")
@click.option("--years", type=click.IntRange(min=1),
              help="years without activity (default LABORPASS_RETENTION_YEARS)")
@click.option("--dry-run", is_flag=True, help="count who and what would be erased; change nothing")
@with_appcontext
def retention_command(years, dry_run):
    """Erase the personal data of workers with no activity for N years; statistics stay."""
    years = years or int(current_app.config["LABORPASS_RETENTION_YEARS"])
    report = retention.apply_retention(years, dry_run=dry_run)
    said = "dry run, nothing changed: " if dry_run else "erased: "
    click.echo(said + "; ".join(report.lines()))


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(target):
    """Write a consistent copy of the database to TARGET while the app serves (SQLite's online
    backup, checked; pg_dump on PostgreSQL). The keys in the instance folder are not in it."""
    try:
        click.echo(backups.backup(target))
    except DomainError as error:
        raise click.ClickException(error.message) from None


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(source, yes):
    """Replace the database's content by the backup SOURCE. Stop the app first; then run init-db.
    """
    if not yes:
        click.confirm(f"Replace everything in {db.engine.url.render_as_string()} by {source}?",
                      abort=True)
    try:
        click.echo(backups.restore(source))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    before = audit_head.set_aside_after_restore(db.session)
    if before:
        click.echo(f"the audit head of before the restore ({before['count']} entries) was set "
                   "aside in the instance"
                   " folder; the restored trail's head is the one to verify against now")


COMMANDS = (init_db_command, seed_demo_command, program_group, create_employer_command,
            create_user_command, create_token_command, enroll_command, audit_group,
            rebuild_records_command, retention_command, backup_command, restore_command)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)

