"""The figures that need the version 2 questionnaire (docs/statistics.md, "Added keys: version 2").

Why apart from ``statistics.compute``: these figures read answers only a conference recorded on questionnaire
version 2 holds (who dissented, whom an escalation was directed at, who attended from social care, ...).
A version 1 record, and a record carried from version 1 (``carried_from_version`` = 1, its version 2
questions never asked), cannot be counted, so every figure here also says how many of the period's records
(conferences, children, fathers or escalations: its unit) could be counted, and how many there were.

``V2Figures`` is a small accumulator: ``compute`` calls ``add`` once for each record dated in the period,
then merges ``result()`` into its answer. It keeps counters only (a histogram for the medians), so memory
does not grow with the number of conferences, and a version 1 record costs a few counts. The building
blocks (``pct``, ``median_of_counts``, ``day_band``) are ``statistics``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cpchair.domain.questionnaire import Questionnaire, load
from cpchair.domain.statistics import ATTENDED, DAY_BANDS, as_date, day_band, median_of_counts, pct

#: The questions of the "Working Together" figure, each with the record's level: the conference or the child.
CONFERENCE_ITEMS = (
    "lead_practitioner_role",
    "lead_practitioner_agency",
    "parent_advocacy",
    "chair_met_parents",
    "reports_shared_with_family",
    "family_network_meeting",
)
CHILD_ITEMS = ("child_seen", "views_route")
NOT_RECORDED = "not_recorded"
#: The keys ``V2Figures.result`` adds to ``cpchair stats --json``, after every other key.
KEYS = (
    "dissent_by_agency",
    "escalations_by_agency",
    "quorum_from_attendance",
    "category_change_recorded",
    "category_components",
    "review_due_recorded",
    "plans_ended_without_conference",
    "adjournments",
    "working_together",
    "fathers_parental_responsibility",
)


def asked(rec: Mapping[str, Any]) -> bool:
    """The record was made on questionnaire version 2 (not carried from version 1): its version 2 questions
    were asked, so its answers (or blanks) can be counted."""
    return (rec.get("questionnaire_version") or 1) >= 2 and rec.get("carried_from_version") is None


def _zeros(codes: Any, *more: str) -> dict[str, int]:
    return {**dict.fromkeys(codes, 0), **dict.fromkeys(more, 0)}


class V2Figures:
    """Counts for the version 2 figures over the records of one period (``add`` each, then ``result``)."""

    def __init__(self, q: Questionnaire | None = None) -> None:
        q = q or load(2)
        codes = q.codes
        self.plan_decisions = frozenset(q.group("plan_decisions"))
        self.males = frozenset(q.group("male_relationships"))
        self.initial_types = frozenset(q.group("initial_types"))
        self.professional = frozenset(q.group("dissent_by_professionals"))
        # every record in the period, whatever its version: the "of how many"
        self.conferences = self.reviews = self.children = self.on_plan = self.continuing = 0
        self.fathers = self.escalations = 0
        # records asked the version 2 questions: the "counted"
        self.c_conferences = self.c_reviews = self.c_children = self.c_on_plan = self.c_continuing = 0
        self.c_fathers = self.c_escalations = 0
        # dissent
        self.prof_dissent = self.prof_escalated = 0
        self.dissent_by = _zeros(codes["csc_or_agency"])
        self.dissent_escalated_by = _zeros(codes["csc_or_agency"])
        # escalations
        self.directed = _zeros(codes["csc_or_agency"], NOT_RECORDED)
        self.from_dissent = self.resolved = 0
        self.outcomes = _zeros(codes["escalation_outcome"], NOT_RECORDED)
        self.days: dict[int, int] = {}
        self.day_bands = _zeros(key for key, _ in DAY_BANDS)
        # quorum
        self.quorum = {"quorate": 0, **_zeros(codes["not_quorate_reason"]), NOT_RECORDED: 0}
        self.csc_present = 0
        # category change recorded at review, and the categories making up 'multiple'
        self.changed_from = _zeros(codes["category"])
        self.multiple = 0
        self.components = _zeros(codes["category_component"])
        # reviews as the chair recorded them
        self.review_within = {"within": 0, "late": 0, NOT_RECORDED: 0}
        self.review_local_within = self.first_reviews = self.first_reviews_within = 0
        self.days_late: dict[int, int] = {}
        # plans ended without a conference
        self.plan_end = _zeros(codes["plan_end_without_conference"])
        # adjournments
        self.adjourned = _zeros(codes["adjournment_reason"], NOT_RECORDED)
        self.c_initial_children = self.children_adjourned = 0
        # Working Together 2023
        self.answers = {k: _zeros(codes[q.field(k).codes]) for k in CONFERENCE_ITEMS}
        subs = {f.key: f for f in q.field("children").fields}
        self.child_answers = {k: _zeros(codes[subs[k].codes]) for k in CHILD_ITEMS}
        self.unanswered = dict.fromkeys((*CONFERENCE_ITEMS, *CHILD_ITEMS), 0)
        # fathers
        self.pr = _zeros(codes["yes_no_not_known"], NOT_RECORDED)
        self.household = _zeros(codes["yes_no_not_known"], NOT_RECORDED)
        self.excluded = 0
        self.exclusion = _zeros(codes["exclusion_reason"], NOT_RECORDED)
        self.pr_invited = 0

    def add(self, rec: Mapping[str, Any]) -> None:
        """Count one record dated in the period (any questionnaire version)."""
        ctype = rec["conference_type"]
        children = rec["children"]
        review = ctype == "review"
        escalations = rec.get("escalations") or ()
        adults = rec.get("adults") or ()
        plan_decisions, males = self.plan_decisions, self.males
        on_plan = continuing = 0
        for child in children:
            decision = child["decision"]
            if decision in plan_decisions:
                on_plan += 1
                continuing += review and decision == "plan_continues"
        fathers = sum(1 for a in adults if a["relationship"] in males)
        self.conferences += 1
        self.reviews += review
        self.children += len(children)
        self.on_plan += on_plan
        self.continuing += continuing
        self.fathers += fathers
        self.escalations += len(escalations)
        if not asked(rec):
            return
        self.c_conferences += 1
        self.c_reviews += review
        self.c_children += len(children)
        self.c_on_plan += on_plan
        self.c_continuing += continuing
        self.c_fathers += fathers
        self.c_escalations += len(escalations)
        self._conference(rec, ctype, escalations)
        self._children(rec, ctype, children)
        self._escalations(escalations)
        self._fathers(adults)

    def _conference(self, rec: Mapping[str, Any], ctype: str, escalations: Any) -> None:
        if (rec.get("quality") or {}).get("dissent") in self.professional:
            self.prof_dissent += 1
            escalated = any(e.get("from_dissent") is True for e in escalations)
            self.prof_escalated += escalated
            for who in set(rec.get("dissent_agencies") or ()):
                if who in self.dissent_by:
                    self.dissent_by[who] += 1
                    self.dissent_escalated_by[who] += escalated
        reason = rec.get("not_quorate_reason")
        if rec.get("quorate") is True:
            self.quorum["quorate"] += 1
        else:
            self.quorum[reason if reason in self.quorum else NOT_RECORDED] += 1
        if rec.get("social_worker_attendance") in ATTENDED or rec.get("team_manager_attendance") in ATTENDED:
            self.csc_present += 1
        if ctype == "review":
            within = rec.get("review_within_timescale")
            self.review_within["within" if within is True else "late" if within is False else NOT_RECORDED] += 1
            self.review_local_within += rec.get("review_within_local_target") is True
            if rec.get("review_number") == 1:
                self.first_reviews += 1
                self.first_reviews_within += within is True
            if within is False:  # how late (dates parsed only here: most reviews are on time)
                due, held = as_date(rec.get("review_due_date")), as_date(rec.get("conference_date"))
                if due is not None and held is not None:
                    late = (held - due).days
                    self.days_late[late] = self.days_late.get(late, 0) + 1
        if rec.get("adjourned") is True:
            reason = rec.get("adjournment_reason")
            self.adjourned[reason if reason in self.adjourned else NOT_RECORDED] += 1
        for key in CONFERENCE_ITEMS:
            answer = rec.get(key)
            if answer in self.answers[key]:
                self.answers[key][answer] += 1
            else:
                self.unanswered[key] += 1

    def _children(self, rec: Mapping[str, Any], ctype: str, children: Any) -> None:
        initial = ctype in self.initial_types
        for child in children:
            decision = child["decision"]
            if initial:
                self.c_initial_children += 1
                self.children_adjourned += decision == "adjourned"
            if decision in self.plan_decisions:
                end = child.get("plan_end_reason")
                if end in self.plan_end:
                    self.plan_end[end] += 1
                if child.get("category") == "multiple":
                    self.multiple += 1
                    for part in set(child.get("category_components") or ()):
                        if part in self.components:
                            self.components[part] += 1
                if ctype == "review" and decision == "plan_continues":
                    before = child.get("category_changed_from")
                    if before in self.changed_from:
                        self.changed_from[before] += 1
            for key in CHILD_ITEMS:
                answer = child.get(key)
                if answer in self.child_answers[key]:
                    self.child_answers[key][answer] += 1
                else:
                    self.unanswered[key] += 1

    def _escalations(self, escalations: Any) -> None:
        for e in escalations:
            who = e.get("directed_at")
            self.directed[who if who in self.directed else NOT_RECORDED] += 1
            self.from_dissent += e.get("from_dissent") is True
            if e.get("status") != "resolved":
                continue
            self.resolved += 1
            outcome = e.get("outcome")
            self.outcomes[outcome if outcome in self.outcomes else NOT_RECORDED] += 1
            raised, done = as_date(e.get("raised_on")), as_date(e.get("resolved_on"))
            if raised is not None and done is not None:
                days = (done - raised).days
                self.days[days] = self.days.get(days, 0) + 1
                self.day_bands[day_band(days)] += 1

    def _fathers(self, adults: Any) -> None:
        for a in adults:
            if a["relationship"] not in self.males:
                continue
            pr = a.get("parental_responsibility")
            self.pr[pr if pr in self.pr else NOT_RECORDED] += 1
            self.pr_invited += pr == "yes" and a.get("invited") is True
            home = a.get("lives_in_household")
            self.household[home if home in self.household else NOT_RECORDED] += 1
            if a.get("attendance") == "excluded_by_chair":
                self.excluded += 1
                reason = a.get("exclusion_reason")
                self.exclusion[reason if reason in self.exclusion else NOT_RECORDED] += 1

    def result(self) -> dict[str, Any]:
        """The version 2 keys of ``cpchair stats --json``, in the figures' order."""
        counted_conferences = {"counted": self.c_conferences, "in_period": self.conferences}
        counted_plans = {"counted": self.c_on_plan, "in_period": self.on_plan}
        timed = sum(self.days.values())
        changed = sum(self.changed_from.values())
        ended = sum(self.plan_end.values())
        adjourned = sum(self.adjourned.values())
        within = self.review_within["within"]
        recorded_reviews = within + self.review_within["late"]
        return {
            "dissent_by_agency": {
                **counted_conferences,
                "professional": self.prof_dissent,
                "professional_pct": pct(self.prof_dissent, self.c_conferences),
                "by_agency": self.dissent_by,
                "escalated": self.prof_escalated,
                "escalated_pct": pct(self.prof_escalated, self.prof_dissent),
                "escalated_by_agency": self.dissent_escalated_by,
            },
            "escalations_by_agency": {
                "counted": self.c_escalations,
                "in_period": self.escalations,
                "directed_at": self.directed,
                "from_dissent": self.from_dissent,
                "resolved": self.resolved,
                "open": self.c_escalations - self.resolved,
                "outcomes": self.outcomes,
                "days_timed": timed,
                "days_to_resolve_median": median_of_counts(self.days),
                "days_to_resolve_bands": self.day_bands,
            },
            "quorum_from_attendance": {
                **counted_conferences,
                "counts": self.quorum,
                "quorate_pct": pct(self.quorum["quorate"], self.c_conferences),
                "social_care_present": self.csc_present,
            },
            "category_change_recorded": {
                "counted": self.c_continuing,
                "in_period": self.continuing,
                "changed": changed,
                "changed_pct": pct(changed, self.c_continuing),
                "changed_from": self.changed_from,
            },
            "category_components": {
                **counted_plans,
                "multiple": self.multiple,
                "multiple_pct": pct(self.multiple, self.c_on_plan),
                "components": self.components,
            },
            "review_due_recorded": {
                "counted": self.c_reviews,
                "in_period": self.reviews,
                "counts": self.review_within,
                "within_pct": pct(within, recorded_reviews),
                "within_local_target": self.review_local_within,
                "first_reviews": self.first_reviews,
                "first_reviews_within": self.first_reviews_within,
                "days_late_median": median_of_counts(self.days_late),
            },
            "plans_ended_without_conference": {
                **counted_plans,
                "ended": ended,
                "ended_pct": pct(ended, self.c_on_plan),
                "reasons": self.plan_end,
            },
            "adjournments": {
                **counted_conferences,
                "adjourned": adjourned,
                "adjourned_pct": pct(adjourned, self.c_conferences),
                "reasons": self.adjourned,
                "initial_children": self.c_initial_children,
                "children_adjourned": self.children_adjourned,
            },
            "working_together": {
                **counted_conferences,
                "children_counted": self.c_children,
                "children_in_period": self.children,
                "answers": {**self.answers, **self.child_answers},
                "unanswered": self.unanswered,
            },
            "fathers_parental_responsibility": {
                "counted": self.c_fathers,
                "in_period": self.fathers,
                "parental_responsibility": self.pr,
                "with_pr_invited": self.pr_invited,
                "lives_in_household": self.household,
                "excluded_by_chair": self.excluded,
                "exclusion_reasons": self.exclusion,
            },
        }
