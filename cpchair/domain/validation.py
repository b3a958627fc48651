"""The rules of interchange-v1 §4 for one conference record, with messages people can act on.

One set of rules serves three callers: the form (a message beside the field, as the chair types), the
"mark complete" check, and the coordinator's merge (a file that breaks a rule is rejected whole). The
record is the spec's shape; local-only keys (names, case references, notes) are ignored here, and missing
or ``None`` answers are reported as "required" so that a draft can be checked too.

Paths name the field: ``conference_date``, ``children[0].category``, ``quality.plan_smart``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cpchair.domain import dates
from cpchair.domain.questionnaire import Questionnaire, load

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    severity: str = ERROR


@dataclass(frozen=True)
class Timeliness:
    """ICPC timeliness as the form shows it and §6.2 counts it."""

    due: date
    working_days: int
    within: bool


def icpc_timeliness(strategy: date | None, conference: date | None) -> Timeliness | None:
    if strategy is None or conference is None:
        return None
    days = dates.working_days_between(strategy, conference)
    return Timeliness(due=dates.icpc_due_date(strategy), working_days=days, within=days <= dates.ICPC_WORKING_DAYS)


def emotional_abuse_issues(
    issues: list[str] | tuple[str, ...] | set[str] | None, q: Questionnaire | None = None
) -> bool:
    """True when the family's issues meet spec §5: domestic abuse with mental health or substance misuse."""
    q = q or load()
    found = set(issues or ())
    return "domestic_abuse" in found and bool(found.intersection(q.group("emotional_abuse_cofactors")))


EA_CHECK_CATEGORY = {"confirmed": "emotional", "changed_to_neglect": "neglect", "changed_to_multiple": "multiple"}


def emotional_abuse_prompt_due(record: dict[str, Any], child: dict[str, Any]) -> bool:
    """Whether the §5 guidance is shown beside this child's category."""
    return child.get("category") == "emotional" and emotional_abuse_issues(record.get("issues"))


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return dates.parse_iso(value)
        except ValueError:
            return None
    return None


_QUALITY_KEYS: dict[int, tuple[Questionnaire, tuple[str, ...]]] = {}


def _quality_keys(q: Questionnaire) -> tuple[str, ...]:
    """``q.quality_keys``, worked out once per definition: the merge validates thousands of records."""
    entry = _QUALITY_KEYS.get(id(q))
    if entry is None or entry[0] is not q:  # the definition is kept in the entry, so its id stays unique
        entry = _QUALITY_KEYS[id(q)] = (q, q.quality_keys)
    return entry[1]


def validate_record(record: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Every problem with ``record``, in form order. An empty list means the record can be completed."""
    q = q or load()
    out: list[Problem] = []

    def need(path: str, value: Any) -> bool:
        if value is None or value == "":
            out.append(Problem(path, q.message("required")))
            return False
        return True

    codes = q.codes

    def code(prefix: str, name: str, value: Any, code_list: str, optional: bool = False) -> bool:
        """Whether ``value`` is a code of ``code_list``; if not, the problem at ``prefix.name``. The path is
        built only for a problem: the merge checks thousands of valid records, and most answers are fine."""
        if value in codes[code_list]:  # the common case first; None is never a code
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
    conf = _date(record.get("conference_date"))
    if record.get("conference_date") is not None and conf is None:
        out.append(Problem("conference_date", q.message("bad_date")))
    elif need("conference_date", conf) and dates.is_weekend(conf):
        label = q.field("conference_date").plain_label
        out.append(Problem("conference_date", q.message("weekend", label=label, weekday=conf.strftime("%A"))))
    elif conf is not None and dates.is_bank_holiday(conf):
        out.append(Problem("conference_date", f"{dates.format_uk(conf)} is a bank holiday.", WARNING))

    strategy = _date(record.get("strategy_discussion_date"))
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
        days = dates.working_days_between(strategy, conf)  # not icpc_timeliness: its due date is not needed
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
    ea_issues = emotional_abuse_issues(issues, q)
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

        start = _date(child.get("plan_start_date"))
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

    seen: set[str] = set()
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
    for key in _quality_keys(q):
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
        if _date(raised) is None:
            out.append(Problem(f"{p}.raised_on", q.message("bad_date" if raised else "required")))
    return out


def errors(record: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Only the problems that stop a record being completed (or merged)."""
    return [p for p in validate_record(record, q) if p.severity == ERROR]


def passes_after_schema(record: dict[str, Any], q: Questionnaire | None = None) -> bool:
    """``not errors(record)`` for a record that already matched the export schema, in a fraction of the time.

    Why a second path: the merge checks every record of every file, and ``validate_record`` spends most of its
    time re-checking what the schema has just guaranteed (every key present, every code known, every type and
    range, children not empty, no repeated issue). This tests only what the schema cannot say: real dates,
    weekends, the timescale, and the rules between fields. It may say False where ``errors`` finds nothing
    (the caller then asks ``errors``, which has the final word and the message); it must never say True where
    ``errors`` finds a problem. ``tests/domain/test_validation.py`` holds it to ``errors`` on thousands of
    generated and mutated schema-valid records; a rule added to ``validate_record`` belongs here too.
    """
    q = q or load()
    groups = _groups(q)
    conf = _date(record["conference_date"])
    if conf is None or dates.is_weekend(conf):
        return False
    ctype = record["conference_type"]
    raw_strategy = record["strategy_discussion_date"]
    strategy = _date(raw_strategy)
    if strategy is None:
        if raw_strategy is not None or ctype in groups.strategy_required:
            return False
    elif strategy > conf or (
        ctype in groups.timed
        and record["delay_reason"] is None
        and dates.working_days_between(strategy, conf) > dates.ICPC_WORKING_DAYS
    ):
        return False

    is_review = ctype == "review"
    decisions = q.codes["decision_review" if is_review else "decision_initial"]
    ea_issues = emotional_abuse_issues(record["issues"], q)
    plan_decisions = groups.plan_decisions
    for child in record["children"]:
        age = child["age_years"]
        if child["unborn"]:
            if age is not None:
                return False
        elif age is None:
            return False
        decision = child["decision"]
        if decision not in decisions:
            return False
        on_plan = decision in plan_decisions
        category = child["category"]
        if (category is None) == on_plan:  # a plan needs a category; no plan, no category
            return False
        raw_start = child["plan_start_date"]
        start = _date(raw_start)
        if raw_start is not None and start is None:
            return False
        if decision == "plan_started":
            if start != conf:
                return False
        elif is_review:
            if start is None or start >= conf:
                return False
        elif start is not None:
            return False
        check = child["emotional_abuse_check"]
        if check is not None and not (ea_issues and on_plan and EA_CHECK_CATEGORY[check] == category):
            return False

    for adult in record["adults"]:
        invited = adult["invited"]
        if (adult["attendance"] == "not_invited") == invited:
            return False
        if (adult["not_invited_reason"] is None) != invited:  # a reason exactly when not invited
            return False

    seen: set[str] = set()
    for entry in record["agencies"]:
        agency = entry["agency"]
        if agency in seen:
            return False
        seen.add(agency)
        invited = entry["invited"]
        for value in (entry["attendance"], entry["report"]):
            if (value is None) == invited:  # both answered exactly when invited
                return False

    return all(_date(esc["raised_on"]) is not None for esc in record["escalations"])


@dataclass(frozen=True)
class _Groups:
    strategy_required: frozenset[str]
    timed: frozenset[str]
    plan_decisions: frozenset[str]


_GROUPS: dict[int, tuple[Questionnaire, _Groups]] = {}


def _groups(q: Questionnaire) -> _Groups:
    """The code groups the rules read, as sets, once per definition (as ``_quality_keys``)."""
    entry = _GROUPS.get(id(q))
    if entry is None or entry[0] is not q:
        groups = _Groups(
            frozenset(q.group("strategy_required_types")),
            frozenset(q.group("timed_types")),
            frozenset(q.group("plan_decisions")),
        )
        entry = _GROUPS[id(q)] = (q, groups)
    return entry[1]
