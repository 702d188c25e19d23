from server.domain.batches import Member, arrival_board, townships_needing_leader


def test_more_than_twenty_from_a_township_need_a_named_leader():
    townships = ["平襄镇"] * 22 + ["马营镇"] * 20 + ["义岗川镇"] * 8
    assert townships_needing_leader(townships, []) == {"平襄镇": 22}  # 20 is not more than 20
    assert townships_needing_leader(townships, ["平襄镇"]) == {}


def test_the_board_counts_by_township_and_names_who_is_missing_and_who_came_unannounced():
    roster = [Member("a", "甲", "平襄镇", departed=True),
              Member("b", "乙", "平襄镇", "13900000002", departed=True),
              Member("c", "丙", "马营镇", departed=True),
              Member("d", "丁", "马营镇", departed=False)]  # d stayed home at the roll-call
    board = arrival_board(roster, {"a", "c", "x"}, [Member("x", "戊", "首阳镇")], departed=True,
                          leaders={"平襄镇": {"worker_id": "a", "name": "甲"}})
    assert (board["expected"], board["arrived"], board["missing"], board["unexpected"]) == (
        3,
        2,
        1,
        1,
    )
    assert board["missing_people"] == [{"worker_id": "b", "name": "乙", "township": "平襄镇",
                                        "phone": "13900000002"}]
    assert [
        (g["township"], g["expected"], g["arrived"], g["team_leader"]) for g in board["townships"]
    ] == [("平襄镇", 2, 1, {"worker_id": "a", "name": "甲"}), ("马营镇", 1, 1, None)]
    before = arrival_board(roster, set(), [], departed=False, leaders={})
    assert before["expected"] == 4 and before["missing"] == 4
