"""SQLAlchemy models: data and invariants only; behaviour lives in ``services``."""
from server.models.credential import Credential, SigningKey
from server.models.event import Event
from server.models.passkeys import AuditEntry, EnrollmentCode, Passkey, WebAuthnChallenge
from server.models.sync import Change, Device, DeviceUser, QuarantinedEvent, WorkerAlias
from server.models.user import ROLES, ApiToken, Employer, User
from server.models.worker import Worker

__all__ = [
    "ROLES", "ApiToken", "AuditEntry", "Change", "Credential", "Device", "DeviceUser", "Employer", "EnrollmentCode", "Event",
    "Passkey", "QuarantinedEvent", "SigningKey", "User", "WebAuthnChallenge", "Worker", "WorkerAlias",
]
