"""Sync: phones push what they recorded offline and pull what they need to work offline.

``devices`` (registering a phone, joining it, whose scans a push may carry), ``push`` (applying
envelopes), ``rules`` (the acceptance rules, one table), ``pull`` (the change log, by cursor),
``quarantine`` (what could not be applied, for reviewers), ``envelopes`` (what an envelope is
before the database is asked).
"""
from server.services.sync.devices import (
    PushProof,
    block_device,
    join_on_sign_in,
    list_devices,
    register_device,
)
from server.services.sync.pull import pull
from server.services.sync.push import push
from server.services.sync.quarantine import (
    dismiss_quarantined,
    list_quarantine,
    reapply_quarantined,
    reveal_quarantined_id_number,
)

__all__ = ["PushProof", "block_device", "dismiss_quarantined", "join_on_sign_in", "list_devices",
           "list_quarantine",
           "pull", "push", "reapply_quarantined", "register_device",
           "reveal_quarantined_id_number"]
