from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

from flask import current_app, jsonify, request, session
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.auth import (
    CredentialResponseSchema,
    EnrollmentInSchema,
    EnrollmentSchema,
    MeSchema,
    PasskeyPatchSchema,
    PasskeySchema,
    RecordViewSchema,
    RegistrationStartSchema,
    SignInSchema,
    UserPageSchema,
    UserQueryArgsSchema,
    UserStatusSchema,
    WorkerInvitationInSchema,
)
from schemas.base import ErrorSchema
from server.api.caller import current_user, passkey_assertion_at
from server.domain.qr import qr_svg
from server.models.types import utcnow
from server.services import accounts, enrollment, passkeys, privacy

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description=(
    "Staff sign in with passkeys. An admin (or a county officer) enrolls a named person: the code "
    "lets that person register a passkey and nothing else; then they sign in with it."))


@blp.route("/enrollments")
class Enrollments(MethodView):
    @blp.arguments(EnrollmentInSchema)
    @blp.response(201, EnrollmentSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="not yours to enroll")
    def post(self, data):
        """Enroll a person with a fixed role and scope; answers the one-time code (15 minutes)."""
        opened, code = enrollment.create_enrollment(current_user(), **data)
        return {"user_id": opened.user_id, "name": data["name"], "role": data["role"],
                "code": code,
                "link": _invitation_link(data["name"], code), "expires_at": opened.expires_at,
                "qr_svg": qr_svg(code)}


@blp.route("/worker-invitations")
class WorkerInvitations(MethodView):
    @blp.arguments(WorkerInvitationInSchema)
    @blp.response(201, EnrollmentSchema)
    @blp.alt_response(403, schema=ErrorSchema,
                      description="only roles that may reveal an ID number invite")
    @blp.alt_response(404, schema=ErrorSchema, description="no such worker in your scope")
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`worker_has_passkey`: the worker already has a passkey; send `replace_passkeys` to "
        "revoke it first"))
    def post(self, data):
        """Invite a worker to register a passkey on their own phone.

        A one-time link and QR; with ``replace_passkeys`` a lost phone's passkey is revoked
        first, audited."""
        opened, code, user = enrollment.invite_worker(current_user(), data["worker_id"],
                                                      replace_passkeys=data["replace_passkeys"])
        link = _invitation_link(user.name, code)
        return {"user_id": user.id, "name": user.name, "role": "worker", "code": code,
                "link": link, "expires_at": opened.expires_at, "qr_svg": qr_svg(link)}


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserPageSchema)
    @blp.alt_response(403, schema=ErrorSchema,
                      description="only an admin or a county officer manages accounts")
    def get(self, args):
        """The accounts you may enroll or revoke, newest first.

        An admin's are everyone's; a county officer's are their own county's county, workstation
        and fair staff."""
        return accounts.list_users(current_user(), args)


@blp.route("/users/<int(max=2147483647):user_id>/revoke")
class UserRevoke(MethodView):
    @blp.response(200, UserStatusSchema)
    @blp.alt_response(409, schema=ErrorSchema,
                      description="your own access: another admin must revoke it")
    def post(self, user_id):
        """Take a person's access away (admins).

        Sign-in, tokens and passkeys end; their devices are blocked."""
        return accounts.revoke_access(current_user(), user_id)


@blp.route("/register/options")
class RegisterOptions(MethodView):
    @blp.arguments(RegistrationStartSchema)
    @blp.response(200, description="PublicKeyCredentialCreationOptions as JSON")
    @blp.alt_response(400, schema=ErrorSchema,
                      description="name or code wrong, expired or used up")
    def post(self, data):
        """Start registering a passkey with your name and enrollment code."""
        options, challenge_id = passkeys.registration_options(data["name"], data["code"])
        session["webauthn_challenge"] = challenge_id
        return json.loads(options)


@blp.route("/register/verify")
class RegisterVerify(MethodView):
    @blp.arguments(CredentialResponseSchema)
    @blp.response(201, PasskeySchema)
    @blp.alt_response(400, schema=ErrorSchema, description="the passkey could not be verified")
    def post(self, data):
        """Finish registering: the new passkey is kept; sign in with it next."""
        return passkeys.register_passkey(session.pop("webauthn_challenge", None),
                                         data["credential"], name=data["name"])


@blp.route("/login/options")
class LoginOptions(MethodView):
    @blp.response(200, description="PublicKeyCredentialRequestOptions as JSON")
    def post(self):
        """Start signing in: any passkey of this site; the phone lets you pick whose."""
        options, challenge_id = passkeys.authentication_options()
        session["webauthn_challenge"] = challenge_id
        return json.loads(options)


@blp.route("/login/verify")
class LoginVerify(MethodView):
    @blp.arguments(SignInSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(400, schema=ErrorSchema, description="the passkey could not be verified")
    @blp.alt_response(403, schema=ErrorSchema, description=(
        "`device_signature_invalid` (the phone's key did not sign this challenge), "
        "`not_device_member` (a phone without a key yet, used by others) or `device_blocked`: not "
        "signed in"))
    @blp.alt_response(422, schema=ErrorSchema,
                      description="`device_key_invalid`: not an ECDSA P-256 public key")
    def post(self, data):
        """Finish signing in.

        The phone whose key signed the same challenge joins the person; the session starts anew
        (a new id and CSRF token)."""
        user = passkeys.authenticate(session.pop("webauthn_challenge", None), data["credential"],
                                     device=data["device"], address=request.remote_addr)
        session.clear()
        session.permanent = True
        session.update(user_id=user.id, sid=secrets.token_urlsafe(32),
                       csrf=secrets.token_urlsafe(32), assertion_at=utcnow().isoformat())
        return accounts.me(user, session.get("csrf", ""))


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Sign out on this device (queued scans stay on the device)."""
        session.clear()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who is signed in, and the CSRF token for changes made with the session cookie."""
        return accounts.me(current_user(), session.get("csrf", ""))


@blp.route("/me/record-views")
class MyRecordViews(MethodView):
    @blp.response(200, RecordViewSchema(many=True))
    def get(self):
        """For a worker: who looked at my record, when, and why (for reveals)."""
        return privacy.record_views(current_user())


@blp.route("/me/export")
class MyExport(MethodView):
    @blp.response(200, description="the worker's whole record as JSON: record, events, who looked")
    @blp.alt_response(403, schema=ErrorSchema,
                      description="not a worker, or no passkey sign-in in the last 5 minutes")
    def get(self):
        """A worker's copy of everything kept about them.

        It holds the full ID number, so it needs a passkey sign-in minutes old."""
        return jsonify(privacy.export_own_record(current_user(),
                                                 assertion_at=passkey_assertion_at()))


@blp.route("/passkeys")
class Passkeys(MethodView):
    @blp.response(200, PasskeySchema(many=True))
    def get(self):
        """Your passkeys."""
        return passkeys.list_passkeys(current_user())


@blp.route("/passkeys/<int(max=2147483647):passkey_id>")
class PasskeyById(MethodView):
    @blp.arguments(PasskeyPatchSchema)
    @blp.response(200, PasskeySchema)
    def patch(self, data, passkey_id):
        """Name one of your passkeys."""
        return passkeys.rename_passkey(current_user(), passkey_id, data["name"])

    @blp.response(200, PasskeySchema)
    def delete(self, passkey_id):
        """Revoke one of your passkeys: it no longer signs in."""
        return passkeys.revoke_passkey(current_user(), passkey_id)


def _invitation_link(name: str, code: str) -> str:
    """The app's address with the name and code filled in (the sign-in page reads them)."""
    return f"{current_app.config['LABORPASS_ORIGIN']}/?{urlencode({'enroll': name, 'code': code})}"
