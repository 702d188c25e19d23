"""Every reason code the server answers with, in one enum: an error's ``code``, a refused scan's
``reason`` (a push's result, a quarantine entry, a card the phone or the server will not take)
and a registration's warnings. Stable lower_snake words the PWA and scripts rely on; the OpenAPI
document lists them (``schemas.base.ErrorSchema``, ``schemas.sync``), and the PWA's words for a
refused scan cover every one of ``SCAN_REFUSALS`` (pwa/test/reasons.test.js).
"""
from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # ---- a code that is not a valid card (domain.credentials; the phone's verdict too)
    MALFORMED = "malformed"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    REVOKED = "revoked"
    EXPIRED = "expired"

    # ---- an envelope a phone pushed and the server kept in quarantine instead (domain.sync_rules)
    INVALID_ENVELOPE = "invalid_envelope"
    ID_CONFLICT = "id_conflict"
    DEVICE_BLOCKED = "device_blocked"
    UNKNOWN_SCANNER = "unknown_scanner"  # the scan names someone who never used the phone
    SCANNER_REVOKED = "scanner_revoked"  # the scan is by someone whose access was taken away since
    FORBIDDEN_TYPE = "forbidden_type"
    OUT_OF_SCOPE = "out_of_scope"
    UNKNOWN_WORKER = "unknown_worker"
    UNKNOWN_EMPLOYER = "unknown_employer"
    UNKNOWN_FAIR = "unknown_fair"
    UNKNOWN_POSTING = "unknown_posting"
    UNKNOWN_BATCH = "unknown_batch"
    UNKNOWN_TRAINING = "unknown_training"
    UNKNOWN_SITE = "unknown_site"
    WRONG_SITE = "wrong_site"  # a workplace of another employer than the worker's
    UNKNOWN_EVENT = "unknown_event"
    NO_INTENTION = "no_intention"  # a follow-up of an intention the worker never signed there
    NO_PAY_GIVEN = "no_pay_given"  # an answer to a month's pay the employer never gave
    NO_OPEN_REQUEST = "no_open_request"  # an answer to a request for help that is not open
    UNDER_16 = "under_16"
    TEMPORARY_PASS_EXPIRED = "temporary_pass_expired"
    # a bare worker id where the scan needs the card (services.access.ID_ALONE)
    CARD_REQUIRED = "card_required"
    # an employer's onboarding by id alone: a reviewer decides
    KEYED_ONBOARDING = "keyed_onboarding"
    # a void of someone else's scan: another reviewer decides
    VOID_NEEDS_REVIEW = "void_needs_review"
    # ... when the scan says it happened (domain.evidence), and a workplace code's day
    # (domain.site_codes)
    IN_THE_FUTURE = "in_the_future"
    BEFORE_PROGRAMME = "before_programme"
    BEFORE_REGISTRATION = "before_registration"
    STALE_SITE_CODE = "stale_site_code"
    # ---- a card's ten-character fallback code, typed in: no card has it (never a push's reason)
    UNKNOWN_CODE = "unknown_code"

    # ---- a registration's and a fair's warnings (it is kept; someone should look)
    UNKNOWN_COUNTY = "unknown_county"
    UNKNOWN_REGION = "unknown_region"
    COUNTY_OUTSIDE_PROGRAM = "county_outside_program"
    OLD_NOTICE = "old_notice"
    # a fair after the 15th of the first lunar month (domain.lunar)
    AFTER_DEPARTURES = "after_departures"

    # ---- the caller and the request
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    JSON_REQUIRED = "json_required"
    JSON_TOO_DEEP = "json_too_deep"
    VALIDATION_FAILED = "validation_failed"
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"  # no such URL
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REQUEST_ENTITY_TOO_LARGE = "request_entity_too_large"
    TOO_MANY_REQUESTS = "too_many_requests"

    # ---- nothing by that id, or not yours to see (errors.NotFound: "<what>_not_found")
    WORKER_NOT_FOUND = "worker_not_found"
    BATCH_NOT_FOUND = "batch_not_found"
    COUNTY_NOT_FOUND = "county_not_found"
    DEVICE_NOT_FOUND = "device_not_found"
    FAIR_NOT_FOUND = "fair_not_found"
    IMPORT_NOT_FOUND = "import_not_found"
    PASSKEY_NOT_FOUND = "passkey_not_found"
    PAYOUT_NOT_FOUND = "payout_not_found"
    POSTING_NOT_FOUND = "posting_not_found"
    QUARANTINE_ENTRY_NOT_FOUND = "quarantine_entry_not_found"
    REVIEW_NOT_FOUND = "review_not_found"
    ROSTER_MEMBER_NOT_FOUND = "roster_member_not_found"
    SITE_NOT_FOUND = "site_not_found"
    TOKEN_NOT_FOUND = "token_not_found"
    TRAINING_NOT_FOUND = "training_not_found"
    USER_NOT_FOUND = "user_not_found"
    NO_CARD = "no_card"

    # ---- a programme rule or the state of things refuses it now
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    TEAM_LEADER_REQUIRED = "team_leader_required"
    BATCH_DEPARTED = "batch_departed"
    ALREADY_DECIDED = "already_decided"
    ALREADY_RESOLVED = "already_resolved"
    HELD = "held"
    WRONG_STATUS = "wrong_status"
    NOT_CHECKED = "not_checked"
    IMPORT_APPLIED = "import_applied"
    INVALID_CURSOR = "invalid_cursor"

    # ---- accounts, passkeys and phones
    USER_EXISTS = "user_exists"
    WORKER_HAS_PASSKEY = "worker_has_passkey"
    CANNOT_REVOKE_SELF = "cannot_revoke_self"
    ENROLLMENT_INVALID = "enrollment_invalid"
    ENROLLMENT_USED = "enrollment_used"
    PASSKEY_INVALID = "passkey_invalid"
    NOT_DEVICE_MEMBER = "not_device_member"
    DEVICE_KEY_INVALID = "device_key_invalid"
    DEVICE_KEY_CONFLICT = "device_key_conflict"
    DEVICE_SIGNATURE_INVALID = "device_signature_invalid"
    DEVICE_SIGNATURE_REQUIRED = "device_signature_required"
    DEVICE_CLOCK_OFF = "device_clock_off"
    BATCH_TOO_LARGE = "batch_too_large"

    # ---- the service itself (503: come back later; the phone keeps what it has)
    DATABASE_UNAVAILABLE = "database_unavailable"
    DATABASE_BUSY = "database_busy"
    STORAGE_FULL = "storage_full"
    SCHEMA_NOT_CURRENT = "schema_not_current"
    NO_SIGNING_KEY = "no_signing_key"
    CARD_FONT_MISSING = "card_font_missing"
    INTERNAL_ERROR = "internal_error"

    # ---- the command line's backups (never over HTTP)
    BACKUP_CORRUPT = "backup_corrupt"
    BACKUP_FAILED = "backup_failed"
    TOOL_MISSING = "tool_missing"


CARD_REFUSALS = (Reason.MALFORMED, Reason.UNSUPPORTED_VERSION, Reason.UNKNOWN_KEY,
                 Reason.BAD_SIGNATURE, Reason.REVOKED, Reason.EXPIRED)
# Why a pushed scan was not kept as a fact (a push's result, a quarantine entry): the enum's first
# groups, from the card's reasons to the workplace code's.
_ORDER = list(Reason)
SCAN_REFUSALS = tuple(_ORDER[:_ORDER.index(Reason.STALE_SITE_CODE) + 1])
# What a registration is kept with but someone should look at (``warnings`` of a new worker).
REGISTRATION_WARNINGS = (Reason.UNKNOWN_COUNTY, Reason.UNKNOWN_REGION,
                         Reason.COUNTY_OUTSIDE_PROGRAM, Reason.OLD_NOTICE, Reason.UNDER_16)
