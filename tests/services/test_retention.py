"""Kept no longer than needed: after the retention period, and once exported, a conference's names, case
references, notes and minutes leave the laptop; the pseudonymous record (and so every export and the chair's
figures) stays exactly as it was; each removal is in the audit log. Run on the demo's generated data and on
hand-made episodes, then read back from the database."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from cpchair import settings
from cpchair.cli import main
from cpchair.domain import statistics
from cpchair.interchange.canonical import canonical_json
from cpchair.services import audit, conferences, demo, export, pseudonym, retention
from cpchair.storage.models import Conference, ConferenceChild
from services.records import child, valid_answers
from tests.trust_setup import SERVICE_KEY

TODAY = date(2026, 11, 27)
EXPORTED_AT = "2026-11-27T12:00:00Z"


def _rows(session) -> dict[str, dict]:
    out = {}
    for row in session.scalars(select(Conference)):
        out[row.id] = {
            "answers": row.answers,
            "minutes": row.minutes,
            "family_ref": row.family_ref,
            "family_name": row.family_name,
            "revision": row.revision,
            "updated_at": row.updated_at,
            "children": [(c.case_ref, c.child_name) for c in row.children],
        }
    return out


def _payload(session) -> bytes:
    return canonical_json(export.build_payload(session, pseudonym.load_key()))


def _figures(session) -> dict:
    records = export.build_payload(session, pseudonym.load_key())["conferences"]
    return statistics.compute(records, date(2022, 4, 1), date(2027, 3, 31))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The demo chair's four years (600 conferences), exported once at the end."""
    from cpchair import paths
    from cpchair.storage.db import open_database

    folder = tmp_path_factory.mktemp("retention")
    paths.set_data_dir(folder / "data")
    try:
        db = open_database()
        with db.session() as s:
            demo.generate(s, 600, seed=3, today=TODAY)
            s.commit()
            share = folder / "share"
            share.mkdir()
            export.export_now(s, share, now=EXPORTED_AT, unsigned=True, sample=True)  # demo data
            s.commit()
        db.dispose()
    finally:
        paths.set_data_dir(None)
    return folder / "data"


@pytest.fixture
def demo_db(generated, tmp_path, monkeypatch):
    """A private copy of the generated data folder, opened."""
    import shutil

    from cpchair import paths
    from cpchair.storage.db import open_database

    copy = tmp_path / "data"
    shutil.copytree(generated, copy)
    monkeypatch.setenv(paths.ENV_VAR, str(copy))
    db = open_database()
    yield db
    db.dispose()


def test_on_generated_data_expired_exported_conferences_lose_names_references_notes_and_minutes(demo_db):
    db = demo_db
    with db.session() as s:
        before = _rows(s)
        payload_before, figures_before = _payload(s), _figures(s)
        found = retention.review(s, TODAY)
    due = {d.conference_id for d in found.due}
    assert 50 < len(due) < len(before)  # years of ended plans, but not everything
    assert found.open_plans > 0 and found.within_period > 0
    with db.session() as s, s.begin():
        done = retention.apply(s, TODAY, conference_ids=sorted(due))
    assert set(done) == due
    with db.session() as s:
        after = _rows(s)
        payload_after, figures_after = _payload(s), _figures(s)
        log = audit.entries(s)
        assert audit.verify(s).ok
    for cid in due:
        was, now = before[cid], after[cid]
        assert now["minutes"] is None and was["minutes"] is not None
        assert now["family_name"] == "" and now["answers"]["family_name"] == "" and now["answers"]["notes"] == ""
        assert now["family_ref"].startswith("removed:fk_") and now["answers"]["family_ref"] == now["family_ref"]
        for c in now["answers"]["children"]:
            assert c["name"] == "" and c["case_ref"].startswith("removed:ck_")
        assert all(name == "" and ref.startswith("removed:ck_") for ref, name in now["children"])
        assert all(a["name"] == "" for a in now["answers"]["adults"])
        stored = json.dumps(now)
        assert was["family_name"] not in stored and was["children"][0][1] not in stored
        # the pseudonymous record: every code and date kept, revision and timestamps untouched
        assert (now["revision"], now["updated_at"]) == (was["revision"], was["updated_at"])
        for key in ("conference_type", "conference_date", "quality", "agencies", "issues"):
            assert now["answers"][key] == was["answers"][key]
    for cid in set(before) - due:
        assert after[cid] == before[cid]  # recent, open or never exported: untouched
    assert payload_after == payload_before  # the next export says exactly what the last one said
    assert figures_after == figures_before  # the chair's own figures
    removals = [e for e in log if e.action == "retention"]
    assert sorted(e.conference_id for e in removals) == sorted(due)
    with db.session() as s:  # nothing left to do
        assert retention.review(s, TODAY).due == []


def test_a_conference_changed_since_the_last_export_is_kept(demo_db):
    db = demo_db
    with db.session() as s:
        first = retention.review(s, TODAY).due[0].conference_id
    with db.session() as s, s.begin():
        answers = conferences.get(s, first).answers | {"notes": "Changed after the export"}
        conferences.save(s, first, answers, now="2026-11-27T13:00:00Z")
    with db.session() as s, s.begin():
        found = retention.review(s, TODAY)
        assert first not in {d.conference_id for d in found.due} and found.not_exported == 1
        retention.apply(s, TODAY)
    with db.session() as s:
        assert conferences.get(s, first).answers["notes"] == "Changed after the export"


# --- the rule itself, on hand-made episodes ----------------------------------------------------------------


def _complete(s, answers, updated="2025-01-01T00:00:00Z") -> str:
    cid = conferences.create(s, answers, now=updated)
    conferences.complete(s, cid, now=updated)
    return cid


@pytest.fixture
def episodes(db):
    """C1: plan from 10/01/2024, continued 10/04/2024, ended 10/10/2024. C2: no plan on 01/03/2024.
    C3: plan from 01/02/2024, still open. A family with C4 (ended 10/10/2024) and C5 (still on plan)."""
    pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
    c1 = {"plan_start": "2024-01-10"}
    c4 = {"plan_start": "2024-01-05"}
    ended = {"category": None}
    with db.session() as s, s.begin():

        def add(ctype: str, day: str, children: list, family: str, name: str) -> str:
            return _complete(s, valid_answers(ctype, day, children, family_ref=family, family_name=name))

        ids = {
            "icpc": add("initial", "2024-01-10", [child("C1", "Amy", "plan_started", **c1)], "F1", "Okafor"),
            "review": add("review", "2024-04-10", [child("C1", "Amy", "plan_continues", **c1)], "F1", "Okafor"),
            "ended": add("review", "2024-10-10", [child("C1", "Amy", "plan_ended_cin", **ended, **c1)], "F1", "Okafor"),
            "no_plan": add("initial", "2024-03-01", [child("C2", "Ben", "no_plan_nfa", **ended)], "F2", "Brown"),
            "open": add(
                "initial", "2024-02-01", [child("C3", "Cai", "plan_started", plan_start="2024-02-01")], "F3", "Jones"
            ),
            "mixed": add(
                "initial",
                "2024-01-05",
                [child("C4", "Dee", "plan_started", **c4), child("C5", "Eve", "plan_started", **c4)],
                "F4",
                "Patel",
            ),
            "mixed_review": add(
                "review",
                "2024-10-10",
                [child("C4", "Dee", "plan_ended_cin", **ended, **c4), child("C5", "Eve", "plan_continues", **c4)],
                "F4",
                "Patel",
            ),
            "draft": conferences.create(
                s, valid_answers("initial", "2023-01-01", [child("C6", "Fay", "no_plan_nfa", **ended)], family_ref="F6")
            ),
        }
        settings.put(s, "chair_name", "Sam Taylor")
        export.export_now(s, db_share(), now="2025-06-01T00:00:00Z", unsigned=True)
    return ids


def db_share():
    from cpchair import paths

    share = paths.data_dir() / "share"
    share.mkdir(exist_ok=True)
    return share


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 2, 28), set()),
        (date(2025, 3, 1), {"no_plan"}),
        (date(2025, 10, 9), {"no_plan"}),
        (date(2025, 10, 10), {"no_plan", "icpc", "review", "ended"}),
        (date(2030, 1, 1), {"no_plan", "icpc", "review", "ended"}),  # open plans and drafts: never
    ],
)
def test_twelve_months_after_the_plan_ended_or_the_conference_where_no_plan_followed(db, episodes, today, expected):
    with db.session() as s:
        due = {d.conference_id for d in retention.review(s, today).due}
    assert due == {episodes[k] for k in expected}


def test_the_period_follows_the_setting(db, episodes):
    with db.session() as s, s.begin():
        settings.put(s, "retention_months", 24)
        assert {d.conference_id for d in retention.review(s, date(2026, 3, 1)).due} == {episodes["no_plan"]}
    with pytest.raises(ValueError, match="1 to 99 months"), db.session() as s:
        settings.put(s, "retention_months", 0)


def test_only_the_conferences_shown_are_removed_and_a_removed_reference_keeps_its_key(db, episodes, tmp_path):
    with db.session() as s:
        key = pseudonym.load_key()
        before = _payload(s)
    with db.session() as s, s.begin():
        done = retention.apply(s, date(2025, 10, 10), conference_ids=[episodes["icpc"]])
    assert done == [episodes["icpc"]]
    with db.session() as s:
        icpc = conferences.get(s, episodes["icpc"]).answers
        assert icpc["children"][0]["case_ref"] == pseudonym.removed_ref(pseudonym.child_key("C1", key))
        assert conferences.get(s, episodes["review"]).answers["children"][0]["name"] == "Amy"
        assert _payload(s) == before
        # the rest of the episode is still followed to its end through the kept key
        assert {d.conference_id for d in retention.review(s, date(2025, 10, 10)).due} == {
            episodes[k] for k in ("no_plan", "review", "ended")
        }
    with db.session() as s, s.begin():  # a later edit of the removed conference keeps the same keys
        answers = icpc | {"notes": "added later"}
        conferences.save(s, episodes["icpc"], answers)
        conferences.complete(s, episodes["icpc"])
        records = {r["id"]: r for r in export.build_payload(s, key)["conferences"]}
        assert records[episodes["icpc"]]["children"][0]["child_key"] == pseudonym.child_key("C1", key)
        assert records[episodes["icpc"]]["family_key"] == pseudonym.family_key("F1", key)


def test_never_exported_means_kept(db):
    pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
    with db.session() as s, s.begin():
        cid = _complete(s, valid_answers("initial", "2024-03-01", [child("C2", "Ben", "no_plan_nfa", category=None)]))
        found = retention.review(s, date(2030, 1, 1))
    assert found.due == [] and found.not_exported == 1
    with db.session() as s:
        assert conferences.get(s, cid).answers["family_name"] == "Smith"


def test_the_caseload_is_unchanged_by_a_removal(db, episodes):
    from cpchair.services import caseload

    with db.session() as s:
        before = [(e.conference_id, e.months_on_plan, e.flags) for e in caseload.caseload(s, date(2025, 10, 10))]
    with db.session() as s, s.begin():
        retention.apply(s, date(2025, 10, 10))
    with db.session() as s:
        after = [(e.conference_id, e.months_on_plan, e.flags) for e in caseload.caseload(s, date(2025, 10, 10))]
        children = s.execute(select(ConferenceChild.case_ref).where(ConferenceChild.child_name == "")).scalars().all()
    assert after == before and len(children) == 4


def test_cli_dry_run_changes_nothing_and_apply_removes(db, episodes, capsys):
    with db.session() as s:
        before = _rows(s)
    assert main(["retention", "--dry-run", "--today", "2025-10-10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 conference(s) past the retention period of 12 months and exported")
    assert "2024-03-01  Initial conference" in out and "Nothing was changed" in out
    with db.session() as s:
        assert _rows(s) == before
    assert main(["retention", "--json", "--today", "2025-10-10"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed["due"]) == 4 and listed["removed"] == [] and listed["kept"]["open_plans"] == 3
    assert main(["retention", "--apply", "--today", "2025-10-10"]) == 0
    assert "Removed the names, case references, notes and minutes of 4 conference(s)." in capsys.readouterr().out
    with db.session() as s:
        assert conferences.get(s, episodes["no_plan"]).answers["family_name"] == ""
        assert conferences.get(s, episodes["open"]).answers["family_name"] == "Jones"
        assert sum(e.action == "retention" for e in audit.entries(s)) == 4


def test_the_minutes_local_record_and_its_distribution_go_with_the_minutes(demo_db):
    """Addresses, restrictions, the professionals' names and the copies sent are personal details too."""
    from cpchair.services import minutes_record
    from cpchair.storage.models import MinutesDistribution, MinutesLocal

    db = demo_db
    with db.session() as s, s.begin():
        due = sorted(d.conference_id for d in retention.review(s, TODAY).due)
        kept = s.scalars(select(MinutesLocal.conference_id).where(MinutesLocal.conference_id.not_in(due))).first()
        minutes_record.record_distribution(s, due[0], "Sam Hale", "full", "post", date(2024, 1, 10))
        assert s.scalars(select(MinutesLocal.conference_id).where(MinutesLocal.conference_id.in_(due))).first()
    with db.session() as s, s.begin():
        retention.apply(s, TODAY, conference_ids=due)
    with db.session() as s:
        assert not s.scalars(select(MinutesLocal).where(MinutesLocal.conference_id.in_(due))).first()
        assert not s.scalars(select(MinutesDistribution).where(MinutesDistribution.conference_id.in_(due))).first()
        assert kept and s.get(MinutesLocal, kept) is not None  # others keep theirs
        assert retention.review(s, TODAY).due == []
