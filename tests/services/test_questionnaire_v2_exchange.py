"""Questionnaire version 2 travels: a chair's version 2 conferences are exported, merged beside version 1
records from other chairs, counted by the statistics (a list inside a child included), and a record of a
questionnaire newer than this release is refused with the advice to update."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from cpchair import settings
from cpchair.domain import rules
from cpchair.domain.statistics import compute
from cpchair.interchange.canonical import payload_sha256
from cpchair.services import conferences as svc
from cpchair.services import export, merge, pseudonym, stats
from cpchair.storage.db import open_database
from cpchair.storage.models import MergedConference
from tests.trust_setup import SERVICE_KEY

from .records import child, valid_answers


def _chair_share(tmp_path) -> tuple[object, list[str]]:
    """A chair's installation with three version 2 conferences (one child on a 'multiple' plan with its
    categories, reviewed with a category change and a plan ended later without a conference), exported."""
    chair = open_database(tmp_path / "chair" / "cpchair.sqlite")
    share = tmp_path / "share"
    share.mkdir()
    ids = []
    with chair.session() as s:
        pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
        settings.put(s, "chair_name", "Version Two")
        icpc = valid_answers("initial", "2024-03-12", [child("V1", "Vic", "plan_started", category="multiple")])
        icpc["children"][0]["category_components"] = ["neglect", "emotional"]
        icpc["agencies"] = [
            {**svc.blank_agency("police"), "attendance": "attended", "report": "on_time"},
            {**svc.blank_agency("school"), "attendance": "attended_virtually", "report": "late"},
        ]
        review = valid_answers(
            "review", "2024-06-11", [child("V1", "Vic", "plan_continues", category="neglect", plan_start="2024-03-12")]
        )
        review.update(review_number=1, previous_conference_date="2024-03-12")
        review["children"][0]["category_changed_from"] = "multiple"
        review["children"][0]["category_at_plan_start"] = "multiple"
        review["children"][0].update(plan_end_reason="moved_to_other_authority", plan_end_date="2024-08-01")
        ended = valid_answers("initial", "2024-09-10", [child("V2", "Wyn", "no_plan_cin")], family_ref="F9")
        for answers in (icpc, review, ended):
            cid = svc.create(s, answers)
            svc.complete(s, cid)
            ids.append(cid)
        export.export_now(s, share, unsigned=True)
        s.commit()
    chair.dispose()
    return share, ids


@pytest.fixture
def v2_share(tmp_path, data_dir):
    share, ids = _chair_share(tmp_path)
    return share, ids


def test_version_1_and_version_2_records_merge_side_by_side(session, v2_share, conformance, tmp_path):
    share, ids = v2_share
    shutil.copytree(conformance / "share", share / "version-1")
    summary = merge.merge_folder(session, share, allow_unsigned=True)
    assert {f.status for f in summary.files} == {"merged"} and len(summary.files) == 7
    versions = {}
    for text in session.scalars(select(MergedConference.record)):
        rec = json.loads(text)
        versions[rec["questionnaire_version"]] = versions.get(rec["questionnaire_version"], 0) + 1
    assert versions[1] == 403 and versions[2] == 3
    mine = {r["id"]: r for r in map(json.loads, session.scalars(select(MergedConference.record))) if r["id"] in ids}
    icpc, review, _ended = (mine[i] for i in ids)
    assert icpc["children"][0]["category_components"] == ["neglect", "emotional"]
    assert icpc["quorate"] is True and icpc["not_quorate_reason"] is None  # social worker + police + school
    assert review["children"][0]["category_changed_from"] == "multiple"
    assert (review["review_due_date"], review["review_within_timescale"]) == ("2024-06-12", True)
    assert review["children"][0]["plan_end_reason"] == "moved_to_other_authority"
    # nothing identifying travels
    text = json.dumps(list(mine.values()))
    for local in ("Vic", "Wyn", "FAM-1", "F9", "V1", "Smith"):
        assert f'"{local}"' not in text


def test_statistics_read_a_version_2_child_holding_a_list_from_the_stored_text(session, v2_share, conformance):
    """The records before the period are reduced to their children by parsing the stored text: a version 2
    child's ``category_components`` list must not cut the array short (the old slice to the next ']' did)."""
    share, ids = v2_share
    shutil.copytree(conformance / "share", share / "version-1")
    merge.merge_folder(session, share, allow_unsigned=True)
    period = (date(2024, 9, 1), date(2025, 3, 31))  # the 'multiple' ICPC and its review lie before it
    reduced = {r["id"]: r for r in stats.records_for_period(session, *period)}
    full = {r["id"]: r for r in stats.iter_records(session, period[1])}
    assert reduced[ids[0]]["children"] == full[ids[0]]["children"]
    assert reduced[ids[0]]["children"][0]["category_components"] == ["neglect", "emotional"]
    assert stats.compute_stats(session, *period) == compute(list(full.values()), *period)


def _doc_with(share, change) -> bytes:
    path = next(p for p in share.glob("*.json"))
    doc = json.loads(path.read_text("utf-8"))
    # the ICPC: quorate from its attendance, its child on a 'multiple' plan
    change(next(r for r in doc["payload"]["conferences"] if r["children"][0]["category_components"]))
    doc["payload_sha256"] = payload_sha256(doc["payload"])
    return json.dumps(doc).encode()


def test_a_record_of_a_newer_questionnaire_is_refused_with_the_advice_to_update(session, v2_share, tmp_path):
    share, _ids = v2_share
    data = _doc_with(share, lambda r: r.update(questionnaire_version=3))
    target = tmp_path / "newer"
    target.mkdir()
    (target / "newer.json").write_bytes(data)
    summary = merge.merge_folder(session, target, allow_unsigned=True)
    reason = summary.files[0].reason
    assert summary.files[0].status == "rejected"
    assert "newer questionnaire (version 3" in reason and "Update cpchair" in reason


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r.update(questionnaire_version=1), "must not contain"),  # v2 keys are not in version 1
        (lambda r: r.pop("social_worker_attendance"), 'must contain "social_worker_attendance"'),
        (lambda r: r.update(quorate=False), "quorate: This answer is worked out from the others"),
        (lambda r: r["children"][0].update(category_components=["neglect"]), "at least two categories"),
    ],
    ids=["v2-record-as-v1", "missing-v2-key", "quorum-not-from-attendance", "multiple-of-one"],
)
def test_each_record_is_held_to_the_rules_of_its_own_version(session, v2_share, tmp_path, change, expected):
    share, _ids = v2_share
    target = tmp_path / "bad"
    target.mkdir()
    (target / "bad.json").write_bytes(_doc_with(share, change))
    summary = merge.merge_folder(session, target, allow_unsigned=True)
    assert summary.files[0].status == "rejected"
    assert expected in summary.files[0].reason


def test_every_save_works_out_the_quorum_and_the_review_due_dates(session):
    """The rules run on every save (not only in the editor): a quorum typed against the attendance is
    replaced by the one the attendance gives, with the reason, and a review learns its due dates."""
    answers = valid_answers("review", "2026-03-10", [child("R1", "Rae", "plan_continues", plan_start="2025-09-09")])
    answers.update(
        quorate=True, review_number=3, previous_conference_date="2025-09-09", social_worker_attendance="apologies"
    )
    settings.put(session, "review_interval_months", 5)
    cid = svc.create(session, answers)
    saved = svc.get(session, cid).answers
    assert saved["quorate"] is False and saved["not_quorate_reason"] == "no_social_care_too_few_agencies"
    # 6 months after 09/09/2025 is 09/03/2026: held a day late; the local 5-month target was 09/02/2026
    assert (saved["review_due_date"], saved["review_within_timescale"]) == ("2026-03-09", False)
    assert (saved["review_local_due_date"], saved["review_within_local_target"]) == ("2026-02-09", False)
    assert rules.normalise(saved, local_interval_months=5) == saved
