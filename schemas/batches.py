"""Transfer batches as the API takes and answers them."""
from __future__ import annotations

import dataclasses
from collections import Counter

from marshmallow import fields, pre_dump, validate

from schemas.base import BaseSchema, PlainText, ProgramDate, ProgramMoment
from schemas.paging import PageArgsSchema, page_of
from schemas.workers import MobileField
from server.domain.batches import townships_needing_leader

_STATION = PlainText(validate=validate.Length(min=1, max=100))
BATCH_FIELDS = ("name", "origin_county_code", "departure_station", "departs_at", "train_number",
                "carriages", "destination_station", "expected_arrival_at", "note")


def represent_batch(shown) -> dict:
    """A batch (``services.batches.ShownBatch``) with its roster, leaders and how many each
    township sends."""
    batch, members = shown.batch, shown.members
    people = {m.worker_id: m for m in members}
    townships = Counter(m.township or "" for m in members)
    leaders = [{"township": t.township, "worker_id": t.worker_id,
                "name": getattr(people.get(t.worker_id), "name", None),
                "phone": getattr(people.get(t.worker_id), "phone", None)}
               for t in batch.team_leaders]
    return {
        "id": batch.id, **{key: getattr(batch, key) for key in BATCH_FIELDS},
        "status": batch.status, "departed_at": batch.departed_at,
        "employers": [{"id": e.id, "name": e.name} for e in batch.employers],
        "team_leaders": leaders,
        "roster": [dataclasses.asdict(m) for m in members],
        "handed_over": shown.handed_over,
        "townships": dict(sorted(townships.items())),
        "needs_team_leader": townships_needing_leader([m.township for m in members],
                                                      [t["township"] for t in leaders]),
    }


class BatchInSchema(BaseSchema):
    name = PlainText(required=True, validate=validate.Length(min=1, max=200),
                     metadata={"example": "通渭—福州 2027年第1批"})
    origin_county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"))
    departure_station = PlainText(required=True, validate=validate.Length(min=1, max=100),
                                  metadata={"example": "定西北站"})
    departs_at = ProgramMoment(required=True)
    train_number = PlainText(required=True, validate=validate.Length(min=1, max=20),
                             metadata={"example": "D2702"})
    carriages = PlainText(validate=validate.Length(max=100), metadata={"example": "5、6号车厢"})
    destination_station = PlainText(required=True, validate=validate.Length(min=1, max=100),
                                    metadata={"example": "福州站"})
    expected_arrival_at = ProgramMoment(required=True)
    note = PlainText(validate=validate.Length(max=2000))
    employer_ids = fields.List(fields.String(), load_default=list,
                               metadata={"description": "the employers receiving"})


class BatchPatchSchema(BatchInSchema):
    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class RosterInSchema(BaseSchema):
    worker_ids = fields.List(fields.String(), load_default=list)
    from_fair_id = fields.String(metadata={"description": "add who signed an intention at this "
                                                          "fair and is on no batch since"})
    employer_id = fields.String(metadata={"description": "with from_fair_id: only the intentions "
                                                         "for this employer"})


class RosterRemoveSchema(BaseSchema):
    reason = PlainText(required=True, validate=validate.Length(min=1, max=500))


class TeamLeaderInSchema(BaseSchema):
    township = PlainText(required=True, validate=validate.Length(min=1, max=100))
    worker_id = fields.String(required=True)


class DepartInSchema(BaseSchema):
    absent = fields.List(fields.String(), load_default=list,
                         metadata={"description": "who did not board: the exceptions"})
    departed_at = ProgramMoment()


class HandoverInSchema(BaseSchema):
    employer_id = fields.String(required=True)
    representative = PlainText(required=True, validate=validate.Length(min=1, max=100))
    representative_phone = MobileField()
    worker_ids = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class HandoverSchema(BaseSchema):
    id = fields.Integer()
    batch_id = fields.String()
    employer_id = fields.String()
    representative = fields.String()
    representative_phone = fields.String(allow_none=True)
    worker_ids = fields.List(fields.String())
    handed_by = fields.Integer()
    handed_at = fields.AwareDateTime()


class PersonSchema(BaseSchema):
    worker_id = fields.String()
    name = fields.String(allow_none=True)
    township = fields.String(allow_none=True)
    phone = fields.String(allow_none=True,
                          metadata={"description": "to call someone missing at the station"})


class MemberSchema(PersonSchema):
    departed = fields.Boolean()


class TownshipBoardSchema(BaseSchema):
    township = fields.String()
    team_leader = fields.Dict(allow_none=True)
    expected = fields.Integer()
    arrived = fields.Integer()
    missing = fields.List(fields.Nested(PersonSchema))


class BoardSchema(BaseSchema):
    expected = fields.Integer()
    arrived = fields.Integer()
    missing = fields.Integer()
    unexpected = fields.Integer(metadata={"description": "arrived for this batch but not on its "
                                                         "roster"})
    townships = fields.List(fields.Nested(TownshipBoardSchema))
    missing_people = fields.List(fields.Nested(PersonSchema))
    unexpected_people = fields.List(fields.Nested(PersonSchema))


class BatchSchema(BaseSchema):
    """Dumps a ``services.batches.ShownBatch``."""

    @pre_dump
    def _represent(self, shown, **kwargs):
        return represent_batch(shown)

    id = fields.String()
    name = fields.String()
    origin_county_code = fields.String()
    departure_station = fields.String()
    departs_at = fields.AwareDateTime()
    train_number = fields.String()
    carriages = fields.String(allow_none=True)
    destination_station = fields.String()
    expected_arrival_at = fields.AwareDateTime()
    note = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "planned | departed"})
    departed_at = fields.AwareDateTime(allow_none=True)
    employers = fields.List(fields.Dict())
    team_leaders = fields.List(fields.Dict(),
                               metadata={"description": "[{township, worker_id, name, phone}]"})
    roster = fields.List(fields.Nested(MemberSchema))
    handed_over = fields.Dict(keys=fields.String(), values=fields.String(),
                              metadata={"description": "worker id -> the employer they were "
                                                       "handed over to"})
    townships = fields.Dict(metadata={"description": "people per township on the roster"})
    needs_team_leader = fields.Dict(metadata={"description": "townships with more than 20 and no "
                                                             "leader yet"})


class BatchSummarySchema(BaseSchema):
    id = fields.String()
    name = fields.String()
    origin_county_code = fields.String()
    departs_at = fields.AwareDateTime()
    train_number = fields.String()
    destination_station = fields.String()
    expected_arrival_at = fields.AwareDateTime()
    status = fields.String()


BatchPageSchema = page_of(BatchSummarySchema, "BatchPageSchema")


class BatchQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("planned", "departed")))
    destination_station = _STATION
    origin_county_code = fields.String(validate=validate.Regexp(r"^[0-9]{6}\Z"))
    date_from = ProgramDate(data_key="from")
    date_to = ProgramDate(data_key="to")


class RosterAnswerSchema(BaseSchema):
    added = fields.List(fields.String())
    already_on_roster = fields.List(fields.String())


class DepartAnswerSchema(BaseSchema):
    departed = fields.Integer()
    absent = fields.List(fields.String())
