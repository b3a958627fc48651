"""The rules questionnaire version 2 adds to those of version 1 (``validation._problems``, which every
version keeps).

Two parts. First a walk over the questions that are new since version 1, driven by the definition alone:
each answer's type, its code list, its limits, the conference types it applies to (``types``) and whether
it is required (``required = "v2"``: unless the conference was carried from version 1, whose version 2
questions were never asked). Then the cross-field rules the definition cannot say: the quorum and the
review's due dates agree with the answers they are worked out from, adjournment, the category mix, plans
ending without a conference, exclusion by the chair, dissent and escalations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cpchair.domain import dates, rules
from cpchair.domain.questionnaire import Field, Questionnaire, load
from cpchair.domain.validation import ERROR, Problem, _date, _m

_NEW: dict[int, tuple[Questionnaire, tuple[Field, ...], dict[str, tuple[Field, ...]]]] = {}


def _new_fields(q: Questionnaire) -> tuple[tuple[Field, ...], dict[str, tuple[Field, ...]]]:
    """(top-level fields, {repeat: sub-fields}) that version 1 did not have and that are exported."""
    held = _NEW.get(id(q))
    if held is not None and held[0] is q:
        return held[1], held[2]
    old = load(1)
    old_top = {f.key for f in old.all_fields()}
    top = tuple(f for f in q.all_fields() if not f.local and f.kind != "repeat" and f.key not in old_top)
    subs: dict[str, tuple[Field, ...]] = {}
    for f in q.repeats():
        before = {s.key for s in old.field(f.key).fields}
        subs[f.key] = tuple(s for s in f.fields if not s.local and s.key not in before)
    _NEW[id(q)] = (q, top, subs)
    return top, subs


def _empty(value: Any) -> bool:
    return value is None or value == [] or value is False


def _answer(
    q: Questionnaire, f: Field, value: Any, path: str, ctype: Any, asked: bool, conference_type_label: str
) -> Iterator[Problem]:
    """The definition's checks for one answer to a new question."""
    if f.types and not f.applies_to(ctype):
        if not _empty(value):
            yield Problem(path, *_m(q, "not_applicable_type", conference_type=conference_type_label))
        return
    if value is None:
        if not f.optional or (f.required == "v2" and asked and not f.derived):
            yield Problem(path, *_m(q, "required"))
        return
    kind = f.kind
    if kind == "choice":
        if value not in q.codes_of(f):
            yield _bad(path, value)
    elif kind == "multi":
        if value.__class__ is not list:
            yield Problem(path, *_m(q, "required"))
            return
        codes = q.codes_of(f)
        for j, item in enumerate(value):
            if item not in codes:
                yield _bad(f"{path}[{j}]", item)
        if len(set(map(str, value))) != len(value):
            yield Problem(path, *_m(q, "duplicate_item"))
    elif kind == "bool":
        if value.__class__ is not bool:
            yield Problem(path, *_m(q, "required"))
    elif kind == "date":
        if _date(value) is None or value.__class__ is not str:
            yield Problem(path, *_m(q, "bad_date"))
    elif kind == "int":
        low = f.min if f.min is not None else -(2**31)
        high = f.max if f.max is not None else 2**31 - 1
        if value.__class__ is not int or not low <= value <= high:
            yield Problem(path, *_m(q, "int_range", min=low, max=high))


def _bad(path: str, value: Any) -> Problem:
    return Problem(path, f"'{str(value)[:40]}' is not one of the answers for this question.", ERROR, "bad_code")


def problems_v2(record: dict[str, Any], q: Questionnaire) -> Iterator[Problem]:
    """Every version 2 problem with ``record`` (after those of version 1), in form order."""
    top, subs = _new_fields(q)
    ctype = record.get("conference_type")
    type_label = q.label("conference_type", ctype) if ctype in q.codes["conference_type"] else "conference"
    type_label = type_label.lower() if type_label else "conference"
    carried = record.get("carried_from_version")
    asked = carried is None  # a conference recorded on version 2 was asked every version 2 question
    conf = _date(record.get("conference_date"))
    get = record.get

    for f in top:
        yield from _answer(q, f, get(f.key), f.key, ctype, asked, type_label)

    # Derived answers agree with what they are worked out from.
    found = rules.quorum(record, q)
    if found is not None:
        if get("quorate") is not found.quorate and isinstance(get("quorate"), bool):
            yield Problem("quorate", *_m(q, "derived_mismatch", expected="yes" if found.quorate else "no"))
        if get("not_quorate_reason") != found.reason:
            expected = q.label("not_quorate_reason", found.reason) if found.reason else "blank"
            yield Problem("not_quorate_reason", *_m(q, "derived_mismatch", expected=expected))
    elif get("quorate") is True and get("not_quorate_reason") is not None:
        yield Problem("not_quorate_reason", *_m(q, "derived_mismatch", expected="blank"))

    if ctype == "transfer_in":
        notified = _date(get("transfer_notified_date"))
        if notified is not None and conf is not None and notified > conf:
            yield Problem(
                "transfer_notified_date",
                *_m(q, "transfer_notified_after", notified=dates.format_uk(notified), conference=dates.format_uk(conf)),
            )
    if ctype == "review":
        previous = _date(get("previous_conference_date"))
        if previous is not None and conf is not None and previous >= conf:
            yield Problem(
                "previous_conference_date",
                *_m(
                    q,
                    "previous_conference_not_before",
                    previous=dates.format_uk(previous),
                    conference=dates.format_uk(conf),
                ),
            )
        due = rules.review_due(record)  # the statutory dates do not depend on the local setting
        want = (due.due.isoformat() if due else None, due.within if due else None)
        if (get("review_due_date"), get("review_within_timescale")) != want:
            shown = f"{dates.format_uk(due.due)}, {'within' if due.within else 'late'}" if due else "blank"
            yield Problem("review_due_date", *_m(q, "derived_mismatch", expected=shown))
        local_due = _date(get("review_local_due_date"))
        within_local = get("review_within_local_target")
        if due is None and (local_due is not None or within_local is not None):
            yield Problem("review_local_due_date", *_m(q, "derived_mismatch", expected="blank"))
        elif due is not None and (local_due is None or local_due > due.due or within_local is not (conf <= local_due)):
            yield Problem(
                "review_local_due_date", *_m(q, "derived_mismatch", expected="a date on or before the statutory one")
            )

    adjourned = get("adjourned") is True
    if adjourned:
        reconvene = _date(get("reconvene_date"))
        if get("adjournment_reason") is None or get("reconvene_date") is None:
            yield Problem("adjournment_reason", *_m(q, "adjournment_needs"))
        elif reconvene is not None and conf is not None and reconvene <= conf:
            yield Problem("reconvene_date", *_m(q, "reconvene_not_after", conference=dates.format_uk(conf)))
    elif get("adjournment_reason") is not None or get("reconvene_date") is not None:
        yield Problem("adjournment_reason", *_m(q, "adjournment_not_applicable"))

    on_plan_codes = q.group("plan_decisions")
    children = get("children")
    for i, child in enumerate(children if children.__class__ is list else ()):
        if child.__class__ is not dict:
            continue
        for f in subs["children"]:
            yield from _answer(q, f, child.get(f.key), f"children[{i}].{f.key}", ctype, asked, type_label)
        decision = child.get("decision")
        category = child.get("category")
        if adjourned and decision != ("plan_continues" if ctype == "review" else "adjourned"):
            yield Problem(f"children[{i}].decision", *_m(q, "adjourned_decision"))
        elif not adjourned and decision == "adjourned":
            yield Problem(f"children[{i}].decision", *_m(q, "adjourned_decision_only"))
        components = child.get("category_components")
        if category == "multiple":
            if (asked or components) and (components.__class__ is not list or len(set(map(str, components))) < 2):
                yield Problem(f"children[{i}].category_components", *_m(q, "components_required"))
        elif components:
            yield Problem(f"children[{i}].category_components", *_m(q, "components_not_applicable"))
        at_start = child.get("category_at_plan_start")
        if decision == "plan_started" and at_start != category:
            yield Problem(
                f"children[{i}].category_at_plan_start",
                *_m(q, "derived_mismatch", expected=q.label("category", category) or "blank"),
            )
        elif at_start is not None and ctype != "review" and decision != "plan_started":
            yield Problem(f"children[{i}].category_at_plan_start", *_m(q, "category_at_start_not_applicable"))
        changed = child.get("category_changed_from")
        if changed is not None:
            if not rules.category_change_applies(record, child):
                yield Problem(f"children[{i}].category_changed_from", *_m(q, "category_changed_not_applicable"))
            elif changed == category:
                label = q.label("category", category).lower() if category in q.codes["category"] else category
                yield Problem(f"children[{i}].category_changed_from", *_m(q, "category_changed_same", category=label))
        original = child.get("original_plan_start_date")
        if original is not None:
            start = _date(original)
            if not rules.original_start_applies(record, child):
                yield Problem(f"children[{i}].original_plan_start_date", *_m(q, "original_start_not_applicable"))
            elif start is not None and conf is not None and start >= conf:
                yield Problem(
                    f"children[{i}].original_plan_start_date",
                    *_m(q, "original_start_after", start=dates.format_uk(start), conference=dates.format_uk(conf)),
                )
        elif asked and ctype == "transfer_in" and decision == "plan_started":
            yield Problem(f"children[{i}].original_plan_start_date", *_m(q, "required"))
        reason, end = child.get("plan_end_reason"), child.get("plan_end_date")
        if reason is not None or end is not None:
            end_date = _date(end)
            if decision not in on_plan_codes:
                yield Problem(f"children[{i}].plan_end_reason", *_m(q, "plan_end_not_applicable"))
            elif reason is None or end is None:
                yield Problem(f"children[{i}].plan_end_reason", *_m(q, "plan_end_needs"))
            elif end_date is not None and conf is not None and end_date < conf:
                yield Problem(
                    f"children[{i}].plan_end_date",
                    *_m(q, "plan_end_before", end=dates.format_uk(end_date), conference=dates.format_uk(conf)),
                )

    adults = get("adults")
    for i, adult in enumerate(adults if adults.__class__ is list else ()):
        if adult.__class__ is not dict:
            continue
        for f in subs["adults"]:
            yield from _answer(q, f, adult.get(f.key), f"adults[{i}].{f.key}", ctype, asked, type_label)
        excluded = adult.get("attendance") == "excluded_by_chair"
        if excluded and adult.get("invited") is False:
            yield Problem(f"adults[{i}].attendance", *_m(q, "excluded_invited"))
        if excluded and adult.get("exclusion_reason") is None:
            yield Problem(f"adults[{i}].exclusion_reason", *_m(q, "exclusion_reason_required"))
        elif not excluded and adult.get("exclusion_reason") is not None:
            yield Problem(f"adults[{i}].exclusion_reason", *_m(q, "exclusion_reason_not_applicable"))

    professional = rules.dissent_agencies_apply(record, q)
    who = get("dissent_agencies")
    if professional and asked and not who:
        yield Problem("dissent_agencies", *_m(q, "dissent_agencies_required"))
    elif not professional and who:
        yield Problem("dissent_agencies", *_m(q, "dissent_agencies_not_applicable"))

    escalations = get("escalations")
    for i, esc in enumerate(escalations if escalations.__class__ is list else ()):
        if esc.__class__ is not dict:
            continue
        for f in subs["escalations"]:
            yield from _answer(q, f, esc.get(f.key), f"escalations[{i}].{f.key}", ctype, asked, type_label)
        if esc.get("from_dissent") is True and not professional:
            yield Problem(f"escalations[{i}].from_dissent", *_m(q, "from_dissent_not_applicable"))
        resolved_on, outcome = esc.get("resolved_on"), esc.get("outcome")
        if esc.get("status") == "resolved":
            if asked and (resolved_on is None or outcome is None):
                yield Problem(f"escalations[{i}].resolved_on", *_m(q, "resolved_needs"))
            else:
                raised, resolved = _date(esc.get("raised_on")), _date(resolved_on)
                if raised is not None and resolved is not None and resolved < raised:
                    yield Problem(
                        f"escalations[{i}].resolved_on",
                        *_m(
                            q,
                            "resolved_before_raised",
                            resolved=dates.format_uk(resolved),
                            raised=dates.format_uk(raised),
                        ),
                    )
        elif resolved_on is not None or outcome is not None:
            yield Problem(f"escalations[{i}].resolved_on", *_m(q, "resolved_not_applicable"))
