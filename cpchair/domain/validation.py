"""The rules of interchange-v1 §4 for one conference record, with messages people can act on.

One set of rules serves three callers: the form (a message beside the field, as the chair types), the
"mark complete" check, and the coordinator's merge (a file that breaks a rule is rejected whole). The
record is the spec's shape; local-only keys (names, case references, notes) are ignored here, and missing
or ``None`` answers are reported as "required" so that a draft can be checked too.

Paths name the field: ``conference_date``, ``children[0].category``, ``quality.plan_smart``.

The rules are written ONCE, in ``_problems``: a generator that walks the record and yields a ``Problem``
only where something is wrong. ``validate_record`` and ``errors`` take every problem, the merge takes the
first error (``first_error``) and stops the walk there. Why so: the merge checks every record of every
file against its speed target, and most records are fine. So the walk does no work for a valid answer
beyond a set lookup or a comparison: the code lists are frozensets worked out once per definition
(``_Rules``), and paths and messages are formatted only for a problem that is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from cpchair.domain import dates
from cpchair.domain.questionnaire import Questionnaire, for_record
from cpchair.domain.rules import EA_CHECK_CATEGORY, emotional_abuse_issues

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong. ``code`` names the rule (the message's name in the definition: ``required``,
    ``category_required``, ...), so callers decide by code and never by the words, which may be reworded."""

    path: str
    message: str
    severity: str = ERROR
    code: str = field(default="", compare=False)


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


def _ea_issues(issues: Iterable[Any] | None, cofactors: frozenset[str]) -> bool:
    """The §5 test itself, for the walk (which has the cofactors as a set already)."""
    found = set(issues or ())
    return "domestic_abuse" in found and not cofactors.isdisjoint(found)


def emotional_abuse_prompt_due(record: dict[str, Any], child: dict[str, Any]) -> bool:
    """Whether the §5 guidance is shown beside this child's category."""
    return child.get("category") == "emotional" and emotional_abuse_issues(record.get("issues"))


def validate_record(record: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Every problem with ``record``, in form order. An empty list means the record can be completed.
    Without ``q``, the record is read by the definition of its ``questionnaire_version`` (local answers: the
    current one), so a version 1 record is held to exactly the version 1 rules."""
    return list(_all(record, q or for_record(record), True))


def errors(record: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Only the problems that stop a record being completed (or merged)."""
    return [p for p in _all(record, q or for_record(record), False) if p.severity == ERROR]


def first_error(record: dict[str, Any], q: Questionnaire | None = None) -> Problem | None:
    """``errors(record)[0]``, or None: the merge refuses a file on its first broken rule, so the walk stops
    there (and skips what can only warn, such as the bank-holiday check)."""
    for problem in _all(record, q or for_record(record), False):
        if problem.severity == ERROR:
            return problem
    return None


def _all(record: dict[str, Any], q: Questionnaire, warnings: bool) -> Iterator[Problem]:
    """The version 1 walk (every version keeps its rules), then what version 2 added."""
    yield from _problems(record, _rules(q), warnings)
    if q.version >= 2:
        from cpchair.domain.validation_v2 import problems_v2

        yield from problems_v2(record, q)


_PARSED: dict[str, date | None] = {}  # text -> date (None: not a real date); a few thousand distinct days


def _date(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` string or a date as a date; None for anything else (as ``dates.parse_iso`` reads it).

    Parsed texts are remembered: a merge reads the same few thousand days over and over, and a dictionary
    hit costs a fraction of parsing. The memo is emptied when it grows large, so odd input cannot bloat it."""
    if isinstance(value, str):
        try:
            return _PARSED[value]
        except KeyError:
            pass
        if len(_PARSED) >= 20_000:
            _PARSED.clear()
        try:
            parsed = dates.parse_iso(value)
        except ValueError:
            parsed = None
        _PARSED[value] = parsed
        return parsed
    if isinstance(value, date):
        return value
    return None


class _Rules(NamedTuple):
    """What the walk reads from the questionnaire, in the form it is quickest to ask: each code list as a
    frozenset (named for its list), the quality questions and the per-entry answers as (key, codes) pairs.
    Built once per definition by ``_rules``; a tuple, so that the walk takes all of it in one unpacking."""

    q: Questionnaire
    conference_type: frozenset[str]
    delay_reason: frozenset[str]
    issue: frozenset[str]
    decision_initial: frozenset[str]
    decision_review: frozenset[str]
    category: frozenset[str]
    plan_sequence: frozenset[str]
    participation: frozenset[str]
    emotional_abuse_check: frozenset[str]
    relationship: frozenset[str]
    adult_attendance: frozenset[str]
    not_invited_reason: frozenset[str]
    agency: frozenset[str]
    agency_answers: tuple[tuple[str, frozenset[str]], ...]
    quality: tuple[tuple[str, frozenset[str]], ...]
    escalation_answers: tuple[tuple[str, frozenset[str]], ...]
    # Groups stay tuples: ``in`` on a tuple compares, so an odd value in a draft is never hashed.
    strategy_required: tuple[str, ...]
    timed: tuple[str, ...]
    plan_decisions: tuple[str, ...]
    ea_cofactors: frozenset[str]


_RULES: dict[int, _Rules] = {}


def _rules(q: Questionnaire) -> _Rules:
    """The walk's view of ``q``: which code list each answer is checked against comes from the definition
    (each field's ``codes``), never from a second list here."""
    rules = _RULES.get(id(q))
    if rules is None or rules.q is not q:  # the definition is kept in the entry, so its id stays unique
        c = {name: frozenset(values) for name, values in q.codes.items()}

        def of(key: str) -> frozenset[str]:
            return q.codes_of(q.field(key))

        rules = _RULES[id(q)] = _Rules(
            q=q,
            conference_type=of("conference_type"),
            delay_reason=of("delay_reason"),
            issue=of("issues"),
            decision_initial=c["decision_initial"],
            decision_review=c["decision_review"],
            category=of("children.category"),
            plan_sequence=of("children.plan_sequence"),
            participation=of("children.participation"),
            emotional_abuse_check=of("children.emotional_abuse_check"),
            relationship=of("adults.relationship"),
            adult_attendance=of("adults.attendance"),
            not_invited_reason=of("adults.not_invited_reason"),
            agency=of("agencies.agency"),
            agency_answers=(("attendance", of("agencies.attendance")), ("report", of("agencies.report"))),
            quality=tuple((key, of(f"quality.{key}")) for key in q.quality_keys),
            escalation_answers=tuple((key, of(f"escalations.{key}")) for key in ("type", "subject", "status")),
            strategy_required=q.group("strategy_required_types"),
            timed=q.group("timed_types"),
            plan_decisions=q.group("plan_decisions"),
            ea_cofactors=frozenset(q.group("emotional_abuse_cofactors")),
        )
    return rules


def _m(q: Questionnaire, name: str, **kwargs: object) -> tuple[str, str, str]:
    """(message, severity, code) for ``Problem(path, *_m(q, name, ...))``: the words and the rule's code."""
    return q.message(name, **kwargs), ERROR, name


def _bad_code(path: str, value: Any, q: Questionnaire) -> Problem:
    """The problem with an answer that is not a code of its list: missing, or not one of the answers."""
    if value is None:
        return Problem(path, *_m(q, "required"))
    return Problem(path, f"'{value}' is not one of the answers for this question.", ERROR, "bad_code")


def _problems(record: dict[str, Any], rules: _Rules, warnings: bool = True) -> Iterator[Problem]:
    """THE rules: every problem with ``record``, in form order, one walk. ``warnings=False`` skips the checks
    that can only warn. Each rule tests the common, valid case first and builds nothing for it."""
    (
        q,
        conference_types,
        delay_reasons,
        issue_codes,
        decisions_initial,
        decisions_review,
        categories,
        plan_sequences,
        participations,
        ea_checks,
        relationships,
        adult_attendances,
        not_invited_reasons,
        agency_codes,
        agency_answers,
        quality_answers,
        escalation_answers,
        strategy_required,
        timed,
        plan_decisions,
        ea_cofactors,
    ) = rules

    ctype = record.get("conference_type")
    known_type = ctype in conference_types
    if not known_type:
        yield _bad_code("conference_type", ctype, q)

    raw_conf = record.get("conference_date")
    conf = _date(raw_conf)
    if conf is None:
        yield Problem("conference_date", *_m(q, "required" if raw_conf is None else "bad_date"))
    elif dates.is_weekend(conf):
        label = q.field("conference_date").plain_label
        yield Problem("conference_date", *_m(q, "weekend", label=label, weekday=conf.strftime("%A")))
    elif warnings and dates.is_bank_holiday(conf):
        yield Problem("conference_date", f"{dates.format_uk(conf)} is a bank holiday.", WARNING, "bank_holiday")

    raw_strategy = record.get("strategy_discussion_date")
    strategy = _date(raw_strategy)
    if strategy is None:
        if raw_strategy is not None:
            yield Problem("strategy_discussion_date", *_m(q, "bad_date"))
        elif ctype in strategy_required:
            yield Problem("strategy_discussion_date", *_m(q, "strategy_required"))
    elif conf is not None and strategy > conf:
        after = _m(q, "strategy_after_conference", strategy=dates.format_uk(strategy), conference=dates.format_uk(conf))
        yield Problem("strategy_discussion_date", *after)

    delay = record.get("delay_reason")
    if delay is not None and delay not in delay_reasons:
        yield _bad_code("delay_reason", delay, q)
    if delay is None and strategy is not None and conf is not None and strategy <= conf and ctype in timed:
        days = dates.working_days_between(strategy, conf)  # not icpc_timeliness: its due date is not needed
        if days > dates.ICPC_WORKING_DAYS:
            yield Problem("delay_reason", *_m(q, "delay_reason_required", days=days))

    if not isinstance(record.get("quorate"), bool):
        yield Problem("quorate", *_m(q, "required"))

    issues = record.get("issues") or []
    for i, issue in enumerate(issues):
        if issue not in issue_codes:
            yield _bad_code(f"issues[{i}]", issue, q)
    if len(set(issues)) != len(issues):
        yield Problem("issues", *_m(q, "duplicate_issue"))

    children = record.get("children") or []
    if not children:
        yield Problem("children", *_m(q, "no_children"))
    is_review = ctype == "review"
    decisions, other_decisions = (
        (decisions_review, decisions_initial) if is_review else (decisions_initial, decisions_review)
    )
    ea_issues: bool | None = None  # worked out for the first child with an emotional-abuse answer
    for i, child in enumerate(children):
        unborn = child.get("unborn")
        if not isinstance(unborn, bool):
            yield Problem(f"children[{i}].unborn", *_m(q, "required"))
        age = child.get("age_years")
        if unborn is True and age is not None:
            yield Problem(f"children[{i}].age_years", *_m(q, "unborn_age"))
        elif unborn is False and age is None:
            yield Problem(f"children[{i}].age_years", *_m(q, "age_required"))
        elif age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 17):
            yield Problem(f"children[{i}].age_years", *_m(q, "age_range"))

        decision = child.get("decision")
        decision_ok = False
        if known_type:
            if decision in decisions:
                decision_ok = True
            elif decision is not None and decision in other_decisions:
                expected = "initial, pre-birth and transfer-in" if is_review else "review"
                yield Problem(f"children[{i}].decision", *_m(q, "decision_wrong_type", expected=expected))
            else:
                yield _bad_code(f"children[{i}].decision", decision, q)

        on_plan = decision in plan_decisions
        category = child.get("category")
        if decision_ok and on_plan:
            if category not in categories:
                yield _bad_code(f"children[{i}].category", category, q)
        elif category is not None:
            if category not in categories:
                yield _bad_code(f"children[{i}].category", category, q)
            elif decision_ok:
                yield Problem(f"children[{i}].category", *_m(q, "category_without_plan"))

        raw_start = child.get("plan_start_date")
        start = _date(raw_start)
        if start is None and raw_start is not None:
            yield Problem(f"children[{i}].plan_start_date", *_m(q, "bad_date"))
        elif not decision_ok:
            pass
        elif decision == "plan_started":
            if start != conf and conf is not None:
                must = _m(q, "plan_start_must_equal", conference=dates.format_uk(conf))
                yield Problem(f"children[{i}].plan_start_date", *must)
        elif is_review:
            if start is None:
                yield Problem(f"children[{i}].plan_start_date", *_m(q, "plan_start_required"))
            elif conf is not None and start >= conf:
                before = _m(q, "plan_start_before", conference=dates.format_uk(conf))
                yield Problem(f"children[{i}].plan_start_date", *before)
        elif start is not None:
            yield Problem(f"children[{i}].plan_start_date", *_m(q, "plan_start_not_applicable"))

        sequence = child.get("plan_sequence")
        if sequence not in plan_sequences:
            yield _bad_code(f"children[{i}].plan_sequence", sequence, q)
        participation = child.get("participation")
        if participation is not None and participation not in participations:
            yield _bad_code(f"children[{i}].participation", participation, q)
        check = child.get("emotional_abuse_check")
        if check is not None:
            if check not in ea_checks:
                yield _bad_code(f"children[{i}].emotional_abuse_check", check, q)
            else:
                if ea_issues is None:
                    ea_issues = _ea_issues(issues, ea_cofactors)
                if not (ea_issues and on_plan and EA_CHECK_CATEGORY[check] == category):
                    yield Problem(f"children[{i}].emotional_abuse_check", *_m(q, "ea_check_not_applicable"))

    for i, adult in enumerate(record.get("adults") or []):
        relationship = adult.get("relationship")
        if relationship not in relationships:
            yield _bad_code(f"adults[{i}].relationship", relationship, q)
        invited = adult.get("invited")
        invited_ok = isinstance(invited, bool)
        if not invited_ok:
            yield Problem(f"adults[{i}].invited", *_m(q, "required"))
        attendance = adult.get("attendance")
        if attendance not in adult_attendances:
            yield _bad_code(f"adults[{i}].attendance", attendance, q)
        elif invited_ok and (attendance == "not_invited") == invited:
            yield Problem(f"adults[{i}].attendance", *_m(q, "not_invited_consistent"))
        reason = adult.get("not_invited_reason")
        if invited is False:
            if reason is None:
                yield Problem(f"adults[{i}].not_invited_reason", *_m(q, "not_invited_reason_required"))
            elif reason not in not_invited_reasons:
                yield _bad_code(f"adults[{i}].not_invited_reason", reason, q)
        elif reason is not None:
            yield Problem(f"adults[{i}].not_invited_reason", *_m(q, "not_invited_reason_not_applicable"))
        for j, agency in enumerate(adult.get("engaged_agencies") or []):
            if agency not in agency_codes:
                yield _bad_code(f"adults[{i}].engaged_agencies[{j}]", agency, q)

    seen: set[str] = set()
    for i, entry in enumerate(record.get("agencies") or []):
        agency = entry.get("agency")
        if agency not in agency_codes:
            yield _bad_code(f"agencies[{i}].agency", agency, q)
        elif agency in seen:
            yield Problem(f"agencies[{i}].agency", *_m(q, "duplicate_agency", agency=q.label("agency", agency)))
        else:
            seen.add(agency)
        invited = entry.get("invited")
        if not isinstance(invited, bool):
            yield Problem(f"agencies[{i}].invited", *_m(q, "required"))
            continue
        for key, answer_codes in agency_answers:
            value = entry.get(key)
            if invited:
                if value is None:
                    yield Problem(f"agencies[{i}].{key}", *_m(q, "agency_invited_needs"))
                elif value not in answer_codes:
                    yield _bad_code(f"agencies[{i}].{key}", value, q)
            elif value is not None:
                yield Problem(f"agencies[{i}].{key}", *_m(q, "agency_not_invited"))

    quality = record.get("quality") or {}
    for key, answer_codes in quality_answers:
        value = quality.get(key)
        if value not in answer_codes:
            yield _bad_code(f"quality.{key}", value, q)

    for i, esc in enumerate(record.get("escalations") or []):
        for key, answer_codes in escalation_answers:
            value = esc.get(key)
            if value not in answer_codes:
                yield _bad_code(f"escalations[{i}].{key}", value, q)
        stage = esc.get("stage")
        if not isinstance(stage, int) or isinstance(stage, bool) or not 1 <= stage <= 4:
            yield Problem(f"escalations[{i}].stage", *_m(q, "stage_range"))
        raised = esc.get("raised_on")
        if _date(raised) is None:
            yield Problem(f"escalations[{i}].raised_on", *_m(q, "bad_date" if raised else "required"))
