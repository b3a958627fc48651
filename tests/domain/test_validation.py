"""Each rule of interchange-v1 §4 as validation.validate_record applies it, and the conformance records pass."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from cpchair.domain import dates
from cpchair.domain.validation import (
    EA_CHECK_CATEGORY,
    ERROR,
    WARNING,
    Problem,
    emotional_abuse_prompt_due,
    errors,
    first_error,
    icpc_timeliness,
    validate_record,
)


def record(**changes) -> dict:
    """A valid initial conference: Wednesday 12 March 2025, strategy discussion 26 February (10 working days)."""
    rec = {
        "questionnaire_version": 1,  # the rules of interchange-v1 §4 (version 2 adds to them: test_validation_v2)
        "conference_type": "initial",
        "conference_date": "2025-03-12",
        "family_key": "fk_0123456789abcdef0123456789abcdef",
        "strategy_discussion_date": "2025-02-26",
        "delay_reason": None,
        "quorate": True,
        "children": [
            {
                "child_key": "ck_0123456789abcdef0123456789abcdef",
                "unborn": False,
                "age_years": 6,
                "decision": "plan_started",
                "category": "neglect",
                "plan_start_date": "2025-03-12",
                "plan_sequence": "first",
                "participation": "pn1",
                "emotional_abuse_check": None,
            }
        ],
        "issues": ["domestic_abuse"],
        "adults": [
            {
                "relationship": "mother",
                "invited": True,
                "attendance": "attended_all",
                "not_invited_reason": None,
                "engaged_agencies": ["domestic_abuse_service"],
            }
        ],
        "agencies": [{"agency": "police", "invited": True, "attendance": "attended", "report": "on_time"}],
        "quality": {
            "sw_report_to_chair": "two_days_before",
            "sw_report_shared_with_parents": "two_days_before",
            "plan_smart": "yes",
            "contingency_plan": "yes",
            "core_group_within_10_days": "yes",
            "family_support_worker_role": "clearly_defined",
            "interpreter": "not_required",
            "dissent": "none",
        },
        "escalations": [],
    }
    rec.update(changes)
    return rec


def review(**changes) -> dict:
    rec = record(conference_type="review", strategy_discussion_date=None)
    rec["children"][0].update(decision="plan_continues", plan_start_date="2024-12-11")
    rec.update(changes)
    return rec


def child(rec: dict, **changes) -> dict:
    rec = copy.deepcopy(rec)
    rec["children"][0].update(changes)
    return rec


def paths(rec: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in errors(rec):
        out.setdefault(p.path, []).append(p.message)
    return out


def test_the_base_records_are_valid():
    assert validate_record(record()) == []
    assert validate_record(review()) == []


def test_a_conference_on_a_weekend_is_refused_with_the_weekday_named():
    found = paths(record(conference_date="2025-03-15", strategy_discussion_date="2025-03-03"))
    assert list(found) == ["conference_date", "children[0].plan_start_date"]
    assert "Saturday" in found["conference_date"][0]


def test_a_bank_holiday_is_only_a_warning():
    rec = record(conference_date="2025-04-21", strategy_discussion_date="2025-04-07")  # Easter Monday
    rec["children"][0]["plan_start_date"] = "2025-04-21"
    problems = validate_record(rec)
    assert [(p.path, p.severity) for p in problems] == [("conference_date", "warning")]
    assert errors(rec) == []


def test_a_date_that_is_not_a_date_asks_for_dd_mm_yyyy():
    found = paths(record(conference_date="2025-02-30"))
    assert found["conference_date"] == ["Enter a date as dd/mm/yyyy."]


def test_the_strategy_discussion_cannot_follow_the_conference():
    found = paths(record(strategy_discussion_date="2025-03-13"))
    assert found == {"strategy_discussion_date": [found["strategy_discussion_date"][0]]}
    assert "13/03/2025" in found["strategy_discussion_date"][0] and "12/03/2025" in found["strategy_discussion_date"][0]


@pytest.mark.parametrize("ctype", ["initial", "pre_birth_initial"])
def test_initial_and_pre_birth_conferences_need_the_strategy_date(ctype):
    found = paths(record(conference_type=ctype, strategy_discussion_date=None))
    assert found == {
        "strategy_discussion_date": ["An initial or pre-birth conference needs the strategy discussion date."]
    }


def test_transfer_in_and_review_conferences_do_not_need_the_strategy_date():
    assert errors(record(conference_type="transfer_in", strategy_discussion_date=None)) == []
    assert errors(review()) == []


def test_fifteen_working_days_is_in_timescale_and_sixteen_needs_a_delay_reason():
    # Strategy Monday 3 March 2025: the 15th working day after is Monday 24 March.
    assert dates.icpc_due_date(date(2025, 3, 3)) == date(2025, 3, 24)
    on_time = record(strategy_discussion_date="2025-03-03", conference_date="2025-03-24")
    on_time["children"][0]["plan_start_date"] = "2025-03-24"
    assert errors(on_time) == []
    late = record(strategy_discussion_date="2025-03-03", conference_date="2025-03-25")
    late["children"][0]["plan_start_date"] = "2025-03-25"
    assert paths(late) == {
        "delay_reason": [
            "This conference is 16 working days after the strategy discussion (more than 15): "
            "choose a reason for the delay."
        ]
    }
    late["delay_reason"] = "reports_not_ready"
    assert errors(late) == []


def test_the_timescale_skips_bank_holidays():
    # Strategy Tuesday 1 April 2025; Good Friday (18th) and Easter Monday (21st) do not count, so the
    # 15th working day is Thursday 24 April, not Tuesday 22 April as a weekday count would say.
    assert dates.icpc_due_date(date(2025, 4, 1)) == date(2025, 4, 24)
    on_time = record(strategy_discussion_date="2025-04-01", conference_date="2025-04-24")
    on_time["children"][0]["plan_start_date"] = "2025-04-24"
    assert errors(on_time) == []
    assert icpc_timeliness(date(2025, 4, 1), date(2025, 4, 24)).within
    late = record(strategy_discussion_date="2025-04-01", conference_date="2025-04-25")
    late["children"][0]["plan_start_date"] = "2025-04-25"
    assert list(paths(late)) == ["delay_reason"]
    assert "16 working days" in paths(late)["delay_reason"][0]


def test_only_initial_conferences_are_timed():
    rec = record(conference_type="pre_birth_initial", strategy_discussion_date="2025-01-06")
    assert errors(rec) == []


def test_a_category_needs_a_plan_and_a_plan_needs_a_category():
    no_plan = child(record(), decision="no_plan_cin", category="neglect", plan_start_date=None)
    assert paths(no_plan) == {"children[0].category": ["A category is recorded only when the child is on a plan."]}
    assert errors(child(no_plan, category=None)) == []
    on_plan = child(record(), category=None)
    assert paths(on_plan) == {"children[0].category": ["Please answer this question."]}
    assert paths(child(review(), category=None)) == {"children[0].category": ["Please answer this question."]}


def test_a_plan_started_at_the_conference_starts_on_the_conference_date():
    found = paths(child(record(), plan_start_date="2025-03-11"))
    assert found == {
        "children[0].plan_start_date": ["A plan started at this conference starts on the conference date (12/03/2025)."]
    }


def test_a_review_needs_a_plan_start_before_the_review():
    assert paths(child(review(), plan_start_date=None)) == {
        "children[0].plan_start_date": ["At a review, give the date the plan started."]
    }
    same_day = paths(child(review(), plan_start_date="2025-03-12"))
    assert same_day == {"children[0].plan_start_date": ["The plan must have started before the review (12/03/2025)."]}
    ended = child(review(), decision="plan_ended_cin", category=None, plan_start_date="2024-06-12")
    assert errors(ended) == []


def test_no_plan_means_no_plan_start_date():
    found = paths(child(record(), decision="no_plan_nfa", category=None, plan_start_date="2025-03-12"))
    assert found == {"children[0].plan_start_date": ["No plan, so no plan start date."]}


def test_decisions_belong_to_the_conference_type():
    found = paths(child(review(), decision="plan_started"))
    assert found["children[0].decision"] == ["This decision belongs to initial, pre-birth and transfer-in conferences."]
    found = paths(child(record(), decision="plan_continues"))
    assert found["children[0].decision"] == ["This decision belongs to review conferences."]


def test_an_unborn_child_has_no_age_and_a_born_child_has_one():
    assert paths(child(record(), unborn=True, age_years=0)) == {
        "children[0].age_years": ["An unborn child has no age."]
    }
    assert errors(child(record(), unborn=True, age_years=None)) == []
    assert paths(child(record(), age_years=None)) == {
        "children[0].age_years": ["Enter the child's age in years (0 to 17)."]
    }
    assert paths(child(record(), age_years=18)) == {"children[0].age_years": ["Age must be between 0 and 17."]}


def test_an_adult_not_invited_needs_a_reason_and_the_matching_attendance():
    rec = record()
    rec["adults"].append(
        {
            "relationship": "birth_father",
            "invited": False,
            "attendance": "not_invited",
            "not_invited_reason": None,
            "engaged_agencies": [],
        }
    )
    assert paths(rec) == {"adults[1].not_invited_reason": ["Say why this adult was not invited."]}
    rec["adults"][1]["not_invited_reason"] = "in_prison"
    assert errors(rec) == []
    rec["adults"][1]["attendance"] = "did_not_attend"
    assert paths(rec) == {
        "adults[1].attendance": ["An adult who was not invited has the attendance 'Not invited', and only then."]
    }
    rec["adults"][1].update(invited=True, attendance="not_invited")
    found = paths(rec)
    assert found["adults[1].attendance"] == [
        "An adult who was not invited has the attendance 'Not invited', and only then."
    ]
    assert found["adults[1].not_invited_reason"] == ["A reason is recorded only for an adult who was not invited."]


def test_each_agency_is_listed_once():
    rec = record()
    rec["agencies"].append({"agency": "police", "invited": True, "attendance": "apologies", "report": "late"})
    assert paths(rec) == {"agencies[1].agency": ["Police is listed twice."]}


def test_an_agency_not_invited_has_no_attendance_or_report():
    rec = record()
    rec["agencies"].append({"agency": "gp", "invited": False, "attendance": "attended", "report": None})
    assert paths(rec) == {"agencies[1].attendance": ["An agency that was not invited has no attendance or report."]}
    rec["agencies"][1]["attendance"] = None
    assert errors(rec) == []
    rec["agencies"].append({"agency": "school", "invited": True, "attendance": None, "report": "none"})
    assert paths(rec) == {"agencies[2].attendance": ["Record the attendance and report of an invited agency."]}


def test_the_emotional_abuse_prompt_is_due_for_emotional_abuse_with_domestic_abuse_and_a_cofactor():
    for cofactor in ("parental_mental_health", "parental_alcohol_misuse", "parental_drug_misuse"):
        rec = child(record(issues=["domestic_abuse", cofactor]), category="emotional")
        assert emotional_abuse_prompt_due(rec, rec["children"][0])
    only_da = child(record(issues=["domestic_abuse"]), category="emotional")
    assert not emotional_abuse_prompt_due(only_da, only_da["children"][0])
    neglect = record(issues=["domestic_abuse", "parental_mental_health"])
    assert not emotional_abuse_prompt_due(neglect, neglect["children"][0])


def test_the_emotional_abuse_answer_must_match_the_category_and_the_issues():
    issues = ["domestic_abuse", "parental_mental_health"]
    assert errors(child(record(issues=issues), category="emotional", emotional_abuse_check="confirmed")) == []
    assert errors(child(record(issues=issues), category="neglect", emotional_abuse_check="changed_to_neglect")) == []
    assert errors(child(record(issues=issues), category="multiple", emotional_abuse_check="changed_to_multiple")) == []
    wrong_category = child(record(issues=issues), category="neglect", emotional_abuse_check="confirmed")
    message = (
        "The emotional-abuse check applies only to emotional abuse with domestic abuse and parental mental "
        "health or substance misuse."
    )
    assert paths(wrong_category) == {"children[0].emotional_abuse_check": [message]}
    no_cofactor = child(record(issues=["domestic_abuse"]), category="emotional", emotional_abuse_check="confirmed")
    assert paths(no_cofactor) == {"children[0].emotional_abuse_check": [message]}
    unknown = child(record(issues=issues), category="emotional", emotional_abuse_check="maybe")
    assert list(paths(unknown)) == ["children[0].emotional_abuse_check"]


def test_a_conference_needs_a_child_and_each_issue_once():
    assert paths(record(children=[])) == {"children": ["Add at least one child."]}
    assert paths(record(issues=["gangs", "gangs"])) == {"issues": ["Each issue is recorded once."]}
    assert list(paths(record(issues=["not_an_issue"]))) == ["issues[0]"]


def test_escalations_need_every_answer_and_a_stage_of_1_to_4():
    esc = {
        "type": "practice_alert",
        "subject": "drift_or_delay",
        "stage": 1,
        "status": "open",
        "raised_on": "2025-03-12",
    }
    assert errors(record(escalations=[esc])) == []
    found = paths(record(escalations=[dict(esc, stage=5, raised_on=None, subject=None)]))
    assert found == {
        "escalations[0].subject": ["Please answer this question."],
        "escalations[0].stage": ["Stage is 1 to 4."],
        "escalations[0].raised_on": ["Please answer this question."],
    }


def test_a_blank_draft_lists_what_is_missing_without_crashing():
    from cpchair.services.conferences import blank_answers

    found = paths(blank_answers())
    assert "conference_type" in found and "conference_date" in found and "quality.plan_smart" in found


def test_every_conformance_record_validates_without_errors(conformance):
    files = sorted((conformance / "share").glob("*.json"))
    assert len(files) == 6
    count = 0
    for path in files:
        for rec in json.loads(path.read_text("utf-8"))["payload"]["conferences"]:
            assert errors(rec) == [], (path.name, rec["id"])
            count += 1
    assert count > 100


# --- one implementation of the rules, checked against the one it replaced ----------------------------------
#
# ``_reference_validate_record`` is validate_record as it stood before the rules became a single walk that the
# merge can stop at the first error (commit df4dc5f), frozen here on purpose: it is the oracle that says the
# faster walk reports the same problems (paths, messages, severities, order) for every record below. Do not
# "fix" it along with the rules: a deliberate change to a rule updates this oracle in the same commit.


def _reference_date(value):
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return dates.parse_iso(value)
        except ValueError:
            return None
    return None


def _reference_validate_record(record, q=None):
    from cpchair.domain.questionnaire import load

    q = q or load(1)
    out = []

    def need(path, value):
        if value is None or value == "":
            out.append(Problem(path, q.message("required")))
            return False
        return True

    codes = q.codes

    def code(prefix, name, value, code_list, optional=False):
        if value in codes[code_list]:
            return True
        path = f"{prefix}.{name}" if prefix else name
        if value is None:
            if not optional:
                out.append(Problem(path, q.message("required")))
            return False
        if value not in q.codes[code_list]:
            out.append(Problem(path, f"'{value}' is not one of the answers for this question."))
            return False
        return True

    ctype = record.get("conference_type")
    code("", "conference_type", ctype, "conference_type")
    conf = _reference_date(record.get("conference_date"))
    if record.get("conference_date") is not None and conf is None:
        out.append(Problem("conference_date", q.message("bad_date")))
    elif need("conference_date", conf) and dates.is_weekend(conf):
        label = q.field("conference_date").plain_label
        out.append(Problem("conference_date", q.message("weekend", label=label, weekday=conf.strftime("%A"))))
    elif conf is not None and dates.is_bank_holiday(conf):
        out.append(Problem("conference_date", f"{dates.format_uk(conf)} is a bank holiday.", WARNING))

    strategy = _reference_date(record.get("strategy_discussion_date"))
    if record.get("strategy_discussion_date") is not None and strategy is None:
        out.append(Problem("strategy_discussion_date", q.message("bad_date")))
    elif strategy is None and ctype in q.group("strategy_required_types"):
        out.append(Problem("strategy_discussion_date", q.message("strategy_required")))
    elif strategy and conf and strategy > conf:
        out.append(
            Problem(
                "strategy_discussion_date",
                q.message(
                    "strategy_after_conference", strategy=dates.format_uk(strategy), conference=dates.format_uk(conf)
                ),
            )
        )

    delay = record.get("delay_reason")
    if delay is not None:
        code("", "delay_reason", delay, "delay_reason")
    if ctype in q.group("timed_types") and strategy and conf and strategy <= conf:
        days = dates.working_days_between(strategy, conf)
        if days > dates.ICPC_WORKING_DAYS and delay is None:
            out.append(Problem("delay_reason", q.message("delay_reason_required", days=days)))

    if not isinstance(record.get("quorate"), bool):
        out.append(Problem("quorate", q.message("required")))

    issues = record.get("issues") or []
    issue_codes = codes["issue"]
    for i, issue in enumerate(issues):
        if issue not in issue_codes:
            code("", f"issues[{i}]", issue, "issue")
    if len(set(issues)) != len(issues):
        out.append(Problem("issues", q.message("duplicate_issue")))

    children = record.get("children") or []
    if not children:
        out.append(Problem("children", q.message("no_children")))
    is_review = ctype == "review"
    decision_list = "decision_review" if is_review else "decision_initial"
    decisions = codes[decision_list]
    known_type = ctype in codes["conference_type"]
    plan_decisions = q.group("plan_decisions")
    found_issues = set(issues or ())
    ea_issues = "domestic_abuse" in found_issues and bool(
        found_issues.intersection(q.group("emotional_abuse_cofactors"))
    )
    for i, child in enumerate(children):
        p = f"children[{i}]"
        unborn = child.get("unborn")
        if not isinstance(unborn, bool):
            out.append(Problem(f"{p}.unborn", q.message("required")))
        age = child.get("age_years")
        if unborn is True and age is not None:
            out.append(Problem(f"{p}.age_years", q.message("unborn_age")))
        elif unborn is False and age is None:
            out.append(Problem(f"{p}.age_years", q.message("age_required")))
        elif age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 17):
            out.append(Problem(f"{p}.age_years", q.message("age_range")))

        decision = child.get("decision")
        if decision is not None and known_type and decision not in decisions:
            other = "decision_initial" if is_review else "decision_review"
            if decision in q.codes[other]:
                expected = "initial, pre-birth and transfer-in" if is_review else "review"
                out.append(Problem(f"{p}.decision", q.message("decision_wrong_type", expected=expected)))
            else:
                code(p, "decision", decision, decision_list)
            decision_ok = False
        else:
            decision_ok = code(p, "decision", decision, decision_list) if known_type else False

        on_plan = decision in plan_decisions
        category = child.get("category")
        if decision_ok and on_plan:
            code(p, "category", category, "category")
        elif category is not None and code(p, "category", category, "category", optional=True) and decision_ok:
            out.append(Problem(f"{p}.category", q.message("category_without_plan")))

        start = _reference_date(child.get("plan_start_date"))
        if child.get("plan_start_date") is not None and start is None:
            out.append(Problem(f"{p}.plan_start_date", q.message("bad_date")))
        elif decision_ok and decision == "plan_started":
            if start != conf and conf is not None:
                out.append(
                    Problem(
                        f"{p}.plan_start_date", q.message("plan_start_must_equal", conference=dates.format_uk(conf))
                    )
                )
        elif decision_ok and is_review:
            if start is None:
                out.append(Problem(f"{p}.plan_start_date", q.message("plan_start_required")))
            elif conf is not None and start >= conf:
                out.append(
                    Problem(f"{p}.plan_start_date", q.message("plan_start_before", conference=dates.format_uk(conf)))
                )
        elif decision_ok and start is not None:
            out.append(Problem(f"{p}.plan_start_date", q.message("plan_start_not_applicable")))

        code(p, "plan_sequence", child.get("plan_sequence"), "plan_sequence")
        code(p, "participation", child.get("participation"), "participation", optional=True)
        check = child.get("emotional_abuse_check")
        check_ok = check is not None and code(p, "emotional_abuse_check", check, "emotional_abuse_check")
        if check_ok and not (ea_issues and on_plan and EA_CHECK_CATEGORY[check] == category):
            out.append(Problem(f"{p}.emotional_abuse_check", q.message("ea_check_not_applicable")))

    for i, adult in enumerate(record.get("adults") or []):
        p = f"adults[{i}]"
        code(p, "relationship", adult.get("relationship"), "relationship")
        invited = adult.get("invited")
        if not isinstance(invited, bool):
            out.append(Problem(f"{p}.invited", q.message("required")))
        attendance = adult.get("attendance")
        attendance_ok = code(p, "attendance", attendance, "adult_attendance") and isinstance(invited, bool)
        if attendance_ok and (attendance == "not_invited") == invited:
            out.append(Problem(f"{p}.attendance", q.message("not_invited_consistent")))
        reason = adult.get("not_invited_reason")
        if invited is False:
            code(p, "not_invited_reason", reason, "not_invited_reason")
            if reason is None:
                out[-1] = Problem(f"{p}.not_invited_reason", q.message("not_invited_reason_required"))
        elif reason is not None:
            out.append(Problem(f"{p}.not_invited_reason", q.message("not_invited_reason_not_applicable")))
        engaged = adult.get("engaged_agencies") or []
        agency_codes = codes["agency"]
        for j, agency in enumerate(engaged):
            if agency not in agency_codes:
                code(p, f"engaged_agencies[{j}]", agency, "agency")

    seen = set()
    for i, entry in enumerate(record.get("agencies") or []):
        p = f"agencies[{i}]"
        agency = entry.get("agency")
        if code(p, "agency", agency, "agency"):
            if agency in seen:
                out.append(Problem(f"{p}.agency", q.message("duplicate_agency", agency=q.label("agency", agency))))
            seen.add(agency)
        invited = entry.get("invited")
        if not isinstance(invited, bool):
            out.append(Problem(f"{p}.invited", q.message("required")))
            continue
        for key, code_list in (("attendance", "agency_attendance"), ("report", "agency_report")):
            value = entry.get(key)
            if invited:
                if value is None:
                    out.append(Problem(f"{p}.{key}", q.message("agency_invited_needs")))
                else:
                    code(p, key, value, code_list)
            elif value is not None:
                out.append(Problem(f"{p}.{key}", q.message("agency_not_invited")))

    quality = record.get("quality") or {}
    for key in q.quality_keys:
        code("quality", key, quality.get(key), key)

    for i, esc in enumerate(record.get("escalations") or []):
        p = f"escalations[{i}]"
        code(p, "type", esc.get("type"), "escalation_type")
        code(p, "subject", esc.get("subject"), "escalation_subject")
        code(p, "status", esc.get("status"), "escalation_status")
        stage = esc.get("stage")
        if not isinstance(stage, int) or isinstance(stage, bool) or not 1 <= stage <= 4:
            out.append(Problem(f"{p}.stage", q.message("stage_range")))
        raised = esc.get("raised_on")
        if _reference_date(raised) is None:
            out.append(Problem(f"{p}.raised_on", q.message("bad_date" if raised else "required")))
    return out


def _schema_valid_mutants(count: int, seed: int):
    """Generated records spoiled one to three ways each, with values the export schema still accepts (codes
    from the right list, null where allowed, dates that match the pattern but may not exist or fall on a
    weekend), so that only the cross-field rules can refuse them."""
    import random

    from cpchair.interchange.reader import schema
    from tests.domain.generated_records import generate

    definitions = schema()["definitions"]
    rng = random.Random(seed)
    some_dates = ["2025-03-12", "2025-03-15", "2023-02-30", "2025-02-26", "2024-12-25", "2025-01-31", "2025-06-02"]

    def allowed(spec):
        if "anyOf" in spec:
            return [None, *allowed(next(b for b in spec["anyOf"] if b != {"type": "null"}))]
        if "$ref" in spec:
            return allowed(definitions[spec["$ref"].rsplit("/", 1)[1]])
        if "enum" in spec:
            return list(spec["enum"])
        if spec.get("type") == "boolean":
            return [True, False]
        if spec.get("type") == "integer":
            return [spec.get("minimum", 0), spec.get("maximum", 9)]
        if spec.get("pattern", "").startswith("^[0-9]{4}-"):
            return some_dates
        return []

    def spoil(rec):
        where = rng.choice(["conference", "child", "adult", "agency", "escalation"])
        holders = {
            "conference": [rec],
            "child": rec["children"],
            "adult": rec["adults"],
            "agency": rec["agencies"],
            "escalation": rec["escalations"],
        }[where]
        if not holders:
            return
        node = rng.choice(holders)
        key = rng.choice(list(definitions[f"{where}_v1"]["properties"]))
        if key == "agency" and len(rec["agencies"]) > 1 and rng.random() < 0.3:
            node[key] = rec["agencies"][0]["agency"]  # the same agency twice
            return
        values = allowed(definitions[f"{where}_v1"]["properties"][key])
        if values:
            node[key] = rng.choice(values)

    records = [r for _c, r in generate(count, seed=seed)]
    for rec in records:
        yield rec
        for _ in range(3):
            mutant = copy.deepcopy(rec)
            for _ in range(rng.choice([1, 1, 2, 3])):
                spoil(mutant)
            yield mutant


def _draft_mutants(count: int, seed: int):
    """Generated records spoiled the way a draft or a hand-edited record can be, beyond what the schema
    allows: answers removed or cleared, wrong types, codes from another list, odd dates, empty lists."""
    import random

    from tests.domain.generated_records import generate

    rng = random.Random(seed)
    odd = [None, "", "x", "2025-3-12", "12/03/2025", "2025-03-12T10:00", 0, 1, -1, 18, 2.5, True, False, [], {}]
    codes = [c for values in load_q().codes.values() for c in list(values)[:3]]

    def spoil(rec):
        holders = [rec]
        for key in ("children", "adults", "agencies", "escalations", "quality"):
            value = rec.get(key)
            items = value if isinstance(value, list) else [value]
            holders += [item for item in items if isinstance(item, dict)]
        node = rng.choice(holders)
        if not node:
            return
        key = rng.choice(list(node))
        roll = rng.random()
        if roll < 0.2:
            del node[key]
        elif roll < 0.4 and key in ("children", "adults", "agencies", "escalations", "issues"):
            node[key] = [] if rng.random() < 0.5 else None
        elif roll < 0.6:
            node[key] = rng.choice(codes)
        elif not isinstance(node[key], list):
            node[key] = rng.choice(odd)

    for _c, rec in generate(count, seed=seed):
        for _ in range(3):
            mutant = copy.deepcopy(rec)
            for _ in range(rng.choice([1, 1, 2, 4])):
                spoil(mutant)
            yield mutant


def load_q(version: int = 1):
    from cpchair.domain.questionnaire import load

    return load(version)


def _assert_same_as_reference(rec) -> bool:
    """validate_record, errors and first_error say what the frozen reference says (or both refuse the input
    with the same exception). True when the record has an error."""
    try:
        want = _reference_validate_record(rec)
    except Exception as exc:  # a garbage draft may crash both; they must crash alike
        with pytest.raises(type(exc)):
            validate_record(rec, load_q(1))
        return True
    q1 = load_q(1)  # the reference is the version 1 walk: hold it to the version 1 definition
    assert validate_record(rec, q1) == want, rec
    want_errors = [p for p in want if p.severity == ERROR]
    assert errors(rec, q1) == want_errors, rec
    assert first_error(rec, q1) == (want_errors[0] if want_errors else None), rec
    return bool(want_errors)


def test_the_rules_say_what_the_reference_says_on_schema_valid_records():
    """The merge's case: records the schema accepted, so only the cross-field rules can refuse them."""
    import jsonschema_rs

    from cpchair.interchange.reader import schema

    conference_ok = jsonschema_rs.Draft7Validator(
        {"definitions": schema()["definitions"], "$ref": "#/definitions/conference"}
    ).is_valid
    checked = refused = 0
    for rec in _schema_valid_mutants(1500, seed=8):
        if not conference_ok(rec):
            continue
        refused += _assert_same_as_reference(rec)
        checked += 1
    assert checked > 4000 and refused > 1000


def test_the_rules_say_what_the_reference_says_on_drafts_and_damaged_records():
    """The form's case: answers missing, of the wrong type or from the wrong list, several at once."""
    from cpchair.services.conferences import blank_answers

    total = refused = 0
    for rec in [{**blank_answers(), "questionnaire_version": 1}, *_draft_mutants(700, seed=9)]:
        refused += _assert_same_as_reference(rec)
        total += 1
    assert total > 2000 and refused > total * 0.6


def test_the_rules_say_what_the_reference_says_on_the_hand_written_cases():
    """Every record built by the tests above, including the warning-only bank holiday."""
    easter = record(conference_date="2025-04-21", strategy_discussion_date="2025-04-07")
    easter["children"][0]["plan_start_date"] = "2025-04-21"
    assert [p.severity for p in _reference_validate_record(easter)] == [WARNING]
    cases = [
        record(),
        review(),
        easter,
        record(conference_date="2025-03-15", strategy_discussion_date="2025-03-03"),
        record(strategy_discussion_date="2025-03-13"),
        record(strategy_discussion_date="2025-03-03", conference_date="2025-03-25"),
        child(review(), decision="plan_started"),
        child(record(), decision="plan_continues"),
        child(record(), decision="no_plan_cin", category="neglect", plan_start_date=None),
        child(record(issues=["domestic_abuse"]), category="emotional", emotional_abuse_check="confirmed"),
        record(children=[], issues=["gangs", "gangs", "not_an_issue"]),
    ]
    for rec in cases:
        _assert_same_as_reference(rec)
