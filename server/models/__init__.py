"""SQLAlchemy models: data and invariants only; behaviour lives in ``services``."""
from server.models.credential import Credential, SigningKey
from server.models.event import Event
from server.models.imports import RosterImport
from server.models.ledger import Payout, SubsidyPolicy, Target
from server.models.passkeys import AuditEntry, EnrollmentCode, Passkey, WebAuthnChallenge
from server.models.program import (
    Batch,
    BatchEmployer,
    Fair,
    FairEmployer,
    Handover,
    Posting,
    TeamLeader,
    Training,
    WorkSite,
)
from server.models.region import (
    ProgramCounty,
    ProgramPrefecture,
    Workstation,
    current_programme,
    programme_changed,
)
from server.models.review import ReviewDecision
from server.models.sync import Change, Device, DeviceUser, QuarantinedEvent, WorkerAlias
from server.models.user import ROLES, ApiToken, Employer, User
from server.models.worker import Worker

__all__ = [
    "ROLES", "ApiToken", "AuditEntry", "Batch", "BatchEmployer", "Change",
    "Credential", "Device", "DeviceUser",
    "Employer", "EnrollmentCode", "Event", "Fair", "FairEmployer", "Handover", "Passkey",
    "Posting", "ProgramCounty", "ProgramPrefecture",
    "QuarantinedEvent", "Payout", "ReviewDecision", "RosterImport", "SigningKey", "SubsidyPolicy",
    "Target", "TeamLeader",
    "Training", "User", "WebAuthnChallenge", "Worker", "WorkerAlias", "WorkSite",
    "Workstation", "current_programme", "programme_changed",
]
