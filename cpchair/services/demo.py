"""Realistic demo data: a chair's few years of conferences, so a newcomer sees a working app at once.

Why a simulation and not random rows: the list, the caseload, the statistics and the export all read
relationships between conferences (a review carries the plan start of its ICPC, a plan ends at a review,
a child is followed by case reference). So families are simulated through time: a strategy discussion,
an initial / pre-birth / transfer-in conference, reviews at 3 months and then at the service's interval
until the plan ends, sometimes a second plan later. Proportions follow the national figures and the
2013 service report in /work/shared/domain (neglect about half, emotional abuse about a third, about 80%
of ICPCs within 15 working days, about a quarter of fathers not invited, plans ending mostly within a
year and a few after two).

Every record marked complete passes ``validation.errors``: the generator checks each one and stops with
an error rather than write an invalid complete record. Rows go in with SQLAlchemy Core ``executemany``
(20,000 conferences with their minutes in about 10 s on a laptop, well within the issue's 30 s; see
``benchmarks/bench_demo.py``); the denormalised columns come from
``conferences.summary_columns``/``child_columns``, the same code an ordinary save uses.

Names are fictional (invented surnames), references look like ``FAM-10234`` / ``CH-204311``; none of
it is ever exported (the export carries pseudonymous keys made with the demo key).
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cpchair import settings
from cpchair.domain import dates, rules
from cpchair.domain.local_rules import completion_problems
from cpchair.domain.questionnaire import Questionnaire, load
from cpchair.domain.rules import EA_CHECK_CATEGORY, emotional_abuse_issues
from cpchair.errors import CpchairError
from cpchair.services import audit, pseudonym, sample_data
from cpchair.services.conferences import COMPLETE, DRAFT, child_columns, summary_columns
from cpchair.services.demo_minutes import demo_local, demo_minutes
from cpchair.storage.models import Conference, ConferenceChild, MinutesLocal, SampleConference

DEFAULT_CHAIR_NAME = "Demo Chair"
YEARS = 4  # how far back the demo chair's conferences go
MAX_CONFERENCES = 200_000
RECENT_DAYS = 60  # drafts are only among recent conferences: older ones a chair would have completed
BOOKING_DAYS = 28  # conferences booked this far ahead may already have a draft prepared
BOOKED_DRAFT_SHARE = 0.35  # ... and this share of them has one
LONG_PLAN_MONTHS = ((24, 30), (18, 24), (15, 18))  # the caseload's flags: a few families stay on a plan in each
LONG_PLANS_EACH = 2
LATE_REVIEW_DAYS = 25  # a late review is held up to this many days after it fell due
# A plan ends at a review when the next one, however late, could find the child 18 ...
REVIEW_SLACK_DAYS = 45  # ... i.e. held up to this long after the interval (more than LATE_REVIEW_DAYS + holidays)


class DemoRefused(CpchairError):
    """The data folder already holds conferences and the caller did not ask to replace them."""


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` made, for the command line and the first-run dialog to report."""

    conferences: int
    complete: int
    drafts: int
    by_type: dict[str, int]
    families: int
    children: int
    first_date: date | None
    last_date: date | None
    on_plan_today: int
    reviews_overdue: int
    longest_open_plan_months: int
    replaced: int
    chair_name: str
    key_fingerprint: str
    demo_key_installed: bool


# --------------------------------------------------------------------------------------------------------
# Fictional names and short notes (local-only: they never leave the computer)
# --------------------------------------------------------------------------------------------------------
SURNAMES = (
    "Ashwick", "Brambleford", "Cindervale", "Dunmarrow", "Elderwick", "Fenlock", "Glimmerton", "Hazelby",
    "Juniperfield", "Kestlewood", "Larchmere", "Marrowfield", "Nettlecombe", "Oakhollow", "Pebbleton",
    "Quarrendale", "Rookwell", "Sorrelby", "Thistlewood", "Umberslade", "Vetchley", "Wrenfield", "Yarrowby",
    "Brindlecombe", "Copperwick", "Dovecroft", "Fallowmere", "Gildersby", "Hollinsmoor", "Lanternby",
)  # fmt: skip
FEMALE_NAMES = (
    "Amber", "Bethany", "Chantelle", "Danielle", "Ellie", "Gemma", "Hayley", "Jade", "Kirsty", "Leanne",
    "Megan", "Nadia", "Paige", "Rachel", "Shannon", "Tasha", "Zoe", "Aisha", "Marta", "Roxanne",
)  # fmt: skip
MALE_NAMES = (
    "Aaron", "Bradley", "Callum", "Dean", "Ethan", "Gareth", "Jamie", "Kieran", "Liam", "Marcus",
    "Nathan", "Reece", "Ryan", "Scott", "Tyler", "Wayne", "Darius", "Tomasz", "Jordan", "Connor",
)  # fmt: skip
CHILD_NAMES = (
    "Alfie", "Ava", "Bella", "Charlie", "Daisy", "Evie", "Freddie", "Grace", "Harley", "Isla", "Jacob",
    "Kai", "Lily", "Mason", "Mia", "Noah", "Ollie", "Poppy", "Riley", "Ruby", "Sienna", "Theo", "Willow",
    "Zac", "Ivy", "Leo", "Archie", "Millie", "Oscar", "Rosie",
)  # fmt: skip
NOTES = (
    "Core group to meet within 10 working days; social worker to circulate dates.",
    "Parents asked for the outline plan in writing before the first core group.",
    "Interpreter to be booked for the next review.",
    "Father's role to be assessed before the next review.",
    "School to share attendance figures with the core group each month.",
    "Health visitor to increase visits to fortnightly.",
    "Split conference because of the history of domestic abuse.",
    "Social worker has requested a legal planning meeting.",
    "Agency reports arrived late; raised with the team manager.",
    "Family network meeting to be arranged before the next review.",
    "Mother wants her support worker present at the core group.",
    "Unannounced visits agreed as part of the plan.",
)


# --------------------------------------------------------------------------------------------------------
# Weighted choices over the questionnaire's codes (checked against the definition, never a second list)
# --------------------------------------------------------------------------------------------------------
class Pick:
    """A weighted choice among codes of one code list; unknown codes fail loudly at import time."""

    def __init__(self, code_list: str | None, weights: dict[Any, float]) -> None:
        if code_list is not None:
            unknown = [c for c in weights if c not in load().codes[code_list]]
            if unknown:
                raise ValueError(f"demo weights name codes that {code_list} does not have: {unknown}")
        self.code_list = code_list
        self.values = tuple(weights)
        self.cum = tuple(accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.cum[-1])]


START_TYPE = Pick("conference_type", {"initial": 82, "pre_birth_initial": 10, "transfer_in": 8})
NO_PLAN = Pick("decision_initial", {"no_plan_cin": 65, "no_plan_early_help": 25, "no_plan_nfa": 10})
PLAN_ENDED = Pick(
    "decision_review",
    {
        "plan_ended_cin": 55,
        "plan_ended_early_help": 15,
        "plan_ended_no_services": 8,
        "plan_ended_looked_after": 12,
        "plan_ended_transferred": 5,
        "plan_ended_other": 5,
    },
)
CATEGORY = Pick("category", {"neglect": 50, "emotional": 36, "physical": 7, "sexual": 3, "multiple": 4})
EA_CHECK = Pick("emotional_abuse_check", {"confirmed": 50, "changed_to_neglect": 40, "changed_to_multiple": 10})
PLAN_SEQUENCE = Pick("plan_sequence", {"first": 78, "second": 15, "third_or_more": 4, "not_known": 3})
DELAY = Pick(
    "delay_reason",
    {
        "reports_not_ready": 25,
        "social_worker_unavailable": 15,
        "chair_unavailable": 8,
        "family_unavailable": 15,
        "interpreter_not_arranged": 4,
        "agency_unavailable": 8,
        "awaiting_police_advice": 8,
        "administrative_error": 7,
        "family_or_legal_request": 6,
        "other": 4,
    },
)
# Working days from the strategy discussion to the ICPC: mostly 11-15 (England's median is 14).
DAYS_WITHIN = Pick(None, {5: 1, 6: 1, 7: 2, 8: 2, 9: 3, 10: 4, 11: 5, 12: 7, 13: 9, 14: 12, 15: 14})
DAYS_LATE = Pick(None, {16: 8, 17: 7, 18: 6, 19: 5, 20: 4, 21: 3, 22: 3, 23: 2, 24: 1, 25: 1})
ICPC_WITHIN_SHARE = 0.8
# The review at which a plan ends: 1st (3 months), 2nd (9), 3rd (15), ... A few plans pass two years.
ENDING_REVIEW = Pick(None, {1: 15, 2: 42, 3: 24, 4: 12.5, 5: 4, 6: 1.5, 7: 0.6, 8: 0.4})
CHILDREN_IN_FAMILY = Pick(None, {1: 45, 2: 30, 3: 15, 4: 7, 5: 3})
AGE_BAND = Pick(None, {(0, 4): 40, (5, 9): 30, (10, 15): 27, (16, 16): 3})
ISSUE_PREVALENCE = {
    "domestic_abuse": 0.52,
    "parental_mental_health": 0.40,
    "parental_alcohol_misuse": 0.20,
    "parental_drug_misuse": 0.22,
    "parental_learning_disability": 0.07,
    "parental_physical_illness": 0.05,
    "child_mental_health": 0.08,
    "child_sexual_exploitation": 0.03,
    "child_criminal_exploitation": 0.03,
    "going_missing": 0.04,
    "gangs": 0.02,
    "trafficking": 0.005,
    "fgm": 0.005,
    "faith_based_abuse": 0.005,
    "young_carer": 0.03,
    "housing_financial": 0.20,
    "other": 0.05,
}
NOT_INVITED_FATHER = Pick(
    "not_invited_reason",
    {
        "whereabouts_unknown": 30,
        "mother_unwilling": 18,
        "in_prison": 17,
        "excluded_risk": 14,
        "identity_unknown": 12,
        "deceased": 3,
        "not_relevant": 4,
        "other": 2,
    },
)
NOT_INVITED_OTHER = Pick("not_invited_reason", {"whereabouts_unknown": 40, "excluded_risk": 30, "other": 30})
MOTHER_ATTENDS = Pick("adult_attendance", {"attended_all": 72, "attended_part": 10, "did_not_attend": 12})
MALE_ATTENDS = Pick("adult_attendance", {"attended_all": 50, "attended_part": 14, "did_not_attend": 28})
OTHER_ATTENDS = Pick("adult_attendance", {"attended_all": 60, "attended_part": 10, "did_not_attend": 30})
SW_REPORT = Pick(
    "sw_report_to_chair", {"two_days_before": 60, "less_than_two_days": 22, "on_the_day": 13, "not_received": 5}
)
SHARED = Pick(
    "sw_report_shared_with_parents",
    {"two_days_before": 45, "less_than_two_days": 25, "on_the_day": 18, "not_shared": 8, "not_applicable": 4},
)
SMART = Pick("plan_smart", {"yes": 65, "partly": 28, "no": 7})
CONTINGENCY = Pick("contingency_plan", {"yes": 80, "no": 20})
CORE_GROUP = Pick("core_group_within_10_days", {"yes": 82, "no": 12, "not_set": 6})
FSW = Pick(
    "family_support_worker_role", {"clearly_defined": 55, "unclear": 15, "not_allocated": 20, "not_applicable": 10}
)
DISSENT = Pick("dissent", {"none": 88, "professional": 5, "parental": 6, "both": 1})
ESCALATION_TYPE = Pick("escalation_type", {"practice_alert": 70, "commendation": 15, "formal_escalation": 15})
ESCALATION_SUBJECT = Pick(
    "escalation_subject",
    {
        "report_late_or_not_shared": 25,
        "drift_or_delay": 20,
        "core_group_not_held": 12,
        "visits_not_completed": 12,
        "agency_non_attendance": 10,
        "threshold_or_category": 8,
        "assessment_quality": 10,
        "other": 3,
    },
)
# Version 2 questions (docs/questionnaire-v2.md): Working Together 2023, quorum, adjournment, endings.
SW_ATTENDS = Pick("csc_attendance", {"attended": 80, "attended_virtually": 16, "apologies": 3, "did_not_attend": 1})
TM_ATTENDS = Pick("csc_attendance", {"attended": 15, "attended_virtually": 15, "apologies": 10, "not_invited": 60})
LEAD_ROLE = Pick("lead_practitioner_role", {"social_worker": 85, "advanced_practitioner": 10, "team_manager": 5})
ADVOCACY = Pick(
    "parent_advocacy", {"advocate_present": 12, "supporter_present": 25, "offered_declined": 38, "not_offered": 25}
)
CHAIR_MET = Pick("chair_met_parents", {"met_all": 62, "met_some": 20, "offered_declined": 10, "not_met": 8})
REPORTS_SHARED = Pick(
    "reports_shared_with_family",
    {"all_two_days_before": 48, "some_two_days_before": 27, "less_than_two_days": 18, "not_shared": 7},
)
FAMILY_NETWORK = Pick(
    "family_network_meeting",
    {"already_held": 22, "recommended": 38, "considered_not_appropriate": 25, "not_considered": 15},
)
EXCLUSION = Pick("exclusion_reason", {"risk_of_violence": 70, "risk_to_child": 20, "disruptive": 10})
OUTCOME = Pick("escalation_outcome", {"agreed": 70, "not_agreed": 15, "escalated_further": 10, "withdrawn": 5})
ADJOURN = Pick(
    "adjournment_reason",
    {"information_missing": 45, "agency_absent": 20, "family_absent": 15, "interpreter_not_available": 10, "other": 10},
)
PLAN_END = Pick(
    "plan_end_without_conference",
    {"moved_to_other_authority": 45, "became_looked_after": 40, "died": 1, "other": 14},
)
RATIONALES = (
    "Not the child's father (confirmed by DNA test); no contact with the child.",
    "Has had no contact with the child for many years and holds no parental responsibility.",
)

# Agencies: (invited at an initial-type conference is decided by relevance below) attendance rate at
# initial-type conferences, at reviews, and the rate of reports; after the service report's figures
# (police at almost every ICPC but about 20% of reviews with reports at 80%, GPs rarely, schools 70%/90%).
AGENCY_RATES: dict[str, tuple[float, float, float]] = {
    "police": (0.95, 0.20, 0.82),
    "health_visitor": (0.90, 0.88, 0.90),
    "school_nurse": (0.74, 0.74, 0.92),
    "gp": (0.03, 0.02, 0.12),
    "midwife": (0.85, 0.80, 0.85),
    "paediatrician": (0.50, 0.30, 0.80),
    "school": (0.70, 0.90, 0.85),
    "early_years": (0.60, 0.70, 0.70),
    "adult_mental_health": (0.45, 0.40, 0.60),
    "camhs": (0.50, 0.45, 0.60),
    "substance_misuse": (0.60, 0.55, 0.65),
    "domestic_abuse_service": (0.55, 0.50, 0.60),
    "probation": (0.50, 0.45, 0.70),
    "youth_justice": (0.70, 0.65, 0.75),
    "housing": (0.35, 0.30, 0.40),
    "early_help": (0.80, 0.75, 0.70),
    "other_la": (0.90, 0.50, 0.90),
    "other": (0.50, 0.50, 0.50),
}
VIRTUAL_FROM = date(2020, 4, 1)  # after which many professionals join conferences online


# --------------------------------------------------------------------------------------------------------
# The simulated family
# --------------------------------------------------------------------------------------------------------
@dataclass
class _Child:
    case_ref: str
    name: str
    birth: date  # expected date of birth while unborn


@dataclass
class _Adult:
    name: str
    relationship: str
    not_invited_reason: str | None
    engaged: list[str]


@dataclass
class _Family:
    ref: str
    name: str
    surname: str
    children: list[_Child]
    adults: list[_Adult]
    issues: list[str]
    interpreter: bool


@dataclass
class _Record:
    """One conference as it will be written."""

    answers: dict[str, Any]
    status: str
    revision: int
    created_at: str
    updated_at: str
    minutes: dict[str, Any] | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _eighteenth(birth: date) -> date:
    """The 18th birthday (28 February for a 29 February birth): from then on the child is no longer a child."""
    return dates.add_months(birth, 12 * 18)


def _previous_working_day(d: date) -> date:
    while not dates.is_working_day(d):
        d -= timedelta(days=1)
    return d


def _next_working_day(d: date) -> date:
    while not dates.is_working_day(d):
        d += timedelta(days=1)
    return d


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class _Generator:
    """Simulates families one after another until ``target`` conferences exist."""

    def __init__(
        self,
        q: Questionnaire,
        rng: random.Random,
        today: date,
        interval: int,
        now: datetime,
        v2_rng: random.Random | None = None,
    ) -> None:
        self.q = q
        self.rng = rng
        # Version 2 answers come from a stream of their own, so the version 1 answers (and the proportions the
        # tests hold them to) are what they were for the same seed.
        self.v2 = v2_rng or random.Random(0)
        self.original_start: dict[str, date] = {}  # case_ref -> the real start of a plan taken over
        self.today = today
        self.now = now
        self.interval = interval
        self.window_start = dates.add_months(today, -12 * YEARS)
        self.family_no = 10_000 + rng.randrange(200)
        self.child_no = 200_000 + rng.randrange(2_000)
        self.records: list[_Record] = []
        self.overdue_made = 0
        self.long_plans = {lo: 0 for lo, _hi in LONG_PLAN_MONTHS}
        self.quality_keys = q.quality_keys
        self.male = set(q.group("male_relationships"))

    # -- people ------------------------------------------------------------------------------------
    def _family(self, start: date) -> _Family:
        rng = self.rng
        self.family_no += rng.randint(1, 7)
        surname = rng.choice(SURNAMES)
        issues = [code for code, p in ISSUE_PREVALENCE.items() if rng.random() < p]
        if not issues:
            issues = [rng.choice(("housing_financial", "parental_mental_health", "other"))]
        adults: list[_Adult] = []
        if rng.random() < 0.96:
            reason = NOT_INVITED_OTHER(rng) if rng.random() < 0.02 else None
            adults.append(_Adult(f"{rng.choice(FEMALE_NAMES)} {surname}", "mother", reason, self._engaged(issues, 0.8)))
        if rng.random() < 0.88:
            adults.append(self._father(surname, issues))
        n_children = CHILDREN_IN_FAMILY(rng)
        if n_children > 1 and adults and adults[-1].relationship == "birth_father" and rng.random() < 0.25:
            adults.append(self._father(surname, issues))  # half-siblings with different fathers
        for relationship, p in (
            ("step_father_or_partner", 0.30),
            ("male_partner_not_in_household", 0.08),
            ("other_male_carer", 0.03),
            ("female_partner", 0.03),
            ("kinship_carer", 0.06),
            ("other", 0.02),
        ):
            if rng.random() < p:
                male = relationship in self.male
                first = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
                reason = None
                if male and rng.random() < 0.15:
                    reason = NOT_INVITED_FATHER(rng)
                adults.append(
                    _Adult(
                        f"{first} {rng.choice(SURNAMES)}",
                        relationship,
                        reason,
                        self._engaged(issues, 0.6 if male else 0.4),
                    )
                )
        children = []
        for _ in range(n_children):
            lo, hi = AGE_BAND(rng)
            age = rng.randint(lo, hi)
            birth = start - timedelta(days=int(age * 365.25) + rng.randrange(365))
            children.append(self._child(surname, birth))
        children.sort(key=lambda c: c.birth)
        interpreter = rng.random() < 0.10
        return _Family(f"FAM-{self.family_no}", surname, surname, children, adults, issues, interpreter)

    def _child(self, surname: str, birth: date) -> _Child:
        self.child_no += self.rng.randint(1, 9)
        return _Child(f"CH-{self.child_no}", f"{self.rng.choice(CHILD_NAMES)} {surname}", birth)

    def _father(self, surname: str, issues: list[str]) -> _Adult:
        """A birth father: about a quarter are not invited (whereabouts unknown, in prison, ...)."""
        rng = self.rng
        last = surname if rng.random() < 0.5 else rng.choice(SURNAMES)
        reason = NOT_INVITED_FATHER(rng) if rng.random() < 0.32 else None
        return _Adult(f"{rng.choice(MALE_NAMES)} {last}", "birth_father", reason, self._engaged(issues, 0.62))

    def _engaged(self, issues: list[str], p_any: float) -> list[str]:
        rng = self.rng
        if rng.random() >= p_any:
            return []
        candidates = ["gp", "early_help"]
        if "domestic_abuse" in issues:
            candidates.append("domestic_abuse_service")
        if "parental_mental_health" in issues:
            candidates.append("adult_mental_health")
        if "parental_alcohol_misuse" in issues or "parental_drug_misuse" in issues:
            candidates.append("substance_misuse")
        if "housing_financial" in issues:
            candidates.append("housing")
        picked = rng.sample(candidates, k=min(len(candidates), 1 + (rng.random() < 0.35)))
        order = list(self.q.codes["agency"])
        return sorted(picked, key=order.index)

    # -- the timeline --------------------------------------------------------------------------------
    def run(self, target: int) -> None:
        rng = self.rng
        span = (self.today - self.window_start).days
        while len(self.records) < target:
            start = self.window_start + timedelta(days=rng.randrange(span + 1))
            fam = self._family(start)
            kind = START_TYPE(rng)
            self._episode(fam, kind, start, PLAN_SEQUENCE(rng), target)
        del self.records[target:]

    def _episode(self, fam: _Family, kind: str, start: date, sequence: str, target: int) -> None:
        """One episode: the initial-type conference and, when a plan starts, its reviews."""
        rng = self.rng
        strategy = _next_working_day(start)
        extra: dict[str, Any] = {}
        if kind == "transfer_in":
            conf = dates.add_working_days(strategy, rng.randint(5, 15))
            extra["transfer_notified_date"] = strategy.isoformat()  # the day this service was told of the move
            strategy = None
        else:
            days = DAYS_WITHIN(rng) if rng.random() < ICPC_WITHIN_SHARE else DAYS_LATE(rng)
            conf = dates.add_working_days(strategy, days)
        if kind == "pre_birth_initial":
            fam.children.append(self._child(fam.surname, conf + timedelta(days=rng.randint(40, 110))))
        children = [c for c in fam.children if _age(c.birth, conf) <= 16]
        if not children:
            return
        if conf > self.today:
            if conf <= self.today + timedelta(days=BOOKING_DAYS) and rng.random() < BOOKED_DRAFT_SHARE:
                self._booked(fam, kind, conf, strategy, children, sequence, None)
            return
        delay = None
        if kind == "initial" and dates.working_days_between(strategy, conf) > dates.ICPC_WORKING_DAYS:
            delay = DELAY(rng)
        p_plan = {"initial": 0.86, "pre_birth_initial": 0.92, "transfer_in": 0.96}[kind]
        family_category = CATEGORY(rng)
        decisions: dict[str, str] = {}
        categories: dict[str, str | None] = {}
        if rng.random() < p_plan:
            for c in children:
                decisions[c.case_ref] = "plan_started"
                categories[c.case_ref] = CATEGORY(rng) if rng.random() < 0.08 else family_category
            older = [c for c in children if _age(c.birth, conf) >= 10]
            if len(children) > 1 and older and rng.random() < 0.06:
                decisions[older[-1].case_ref] = "no_plan_cin"
                categories[older[-1].case_ref] = None
        else:
            outcome = NO_PLAN(rng)
            for c in children:
                decisions[c.case_ref] = outcome
                categories[c.case_ref] = None
        issues = list(fam.issues)
        checks: dict[str, str | None] = {}
        rows = []
        if kind == "pre_birth_initial":
            extra["expected_delivery_date"] = max(c.birth for c in children).isoformat()
        for c in children:
            category, check = self._ea(categories[c.case_ref], issues, decisions[c.case_ref], None)
            categories[c.case_ref], checks[c.case_ref] = category, check
            rows.append(
                self._child_answers(
                    c, conf, decisions[c.case_ref], category, conf if category else None, sequence, check
                )
            )
            if kind == "transfer_in" and category:
                self.original_start[c.case_ref] = conf - timedelta(days=self.v2.randint(60, 420))
                rows[-1]["original_plan_start_date"] = self.original_start[c.case_ref].isoformat()
        if kind == "initial" and self.v2.random() < 0.04:
            self._adjourned(fam, conf, strategy, children, sequence, target)
        self._add(fam, kind, conf, strategy, delay, rows, issues, target, extra)
        on_plan = [c for c in children if decisions[c.case_ref] == "plan_started"]
        if not on_plan or len(self.records) >= target:
            return
        self._reviews(fam, conf, on_plan, categories, checks, issues, sequence, target)

    def _reviews(
        self,
        fam: _Family,
        plan_start: date,
        on_plan: list[_Child],
        categories: dict[str, str | None],
        checks: dict[str, str | None],
        issues: list[str],
        sequence: str,
        target: int,
    ) -> None:
        rng = self.rng
        ending = ENDING_REVIEW(rng)
        for lo, hi in LONG_PLAN_MONTHS:  # make sure the caseload has plans past each flag, even in a small demo
            if dates.add_months(plan_start, lo) <= self.today:
                if self.today < dates.add_months(plan_start, hi) and self.long_plans[lo] < LONG_PLANS_EACH:
                    self.long_plans[lo] += 1
                    ending = 99  # still on a plan today
                break
        early_leaver = on_plan[-1] if len(on_plan) > 1 and rng.random() < 0.08 else None
        last_end = plan_start
        start_categories = dict(categories)
        last = len(self.records) - 1  # the conference that started the plan
        for n in range(1, ending + 1):
            if n == 1:
                due = dates.add_months(plan_start, dates.FIRST_REVIEW_MONTHS)
            elif n == ending and self.interval > 2 and rng.random() < 0.2:
                due = dates.add_months(last_end, rng.randint(2, self.interval - 1))  # brought forward to end it
            else:
                due = dates.add_months(last_end, self.interval)
            timing = rng.random()
            if timing < 0.06:  # late: out of timescale
                held = _next_working_day(due + timedelta(days=rng.randint(1, LATE_REVIEW_DAYS)))
            elif timing < 0.4:  # on the day it falls due
                held = _previous_working_day(due)
            else:
                held = _previous_working_day(due - timedelta(days=rng.randint(1, 14)))
            turns_18 = min(_eighteenth(c.birth) for c in on_plan)
            if held >= turns_18:  # planned around the birthday, before it: the plan ends there (below)
                held = _previous_working_day(turns_18 - timedelta(days=1))
            if held > self.today:
                if held <= self.today + timedelta(days=BOOKING_DAYS) and rng.random() < BOOKED_DRAFT_SHARE:
                    self._booked(fam, "review", held, None, on_plan, sequence, (plan_start, categories))
                return
            if due < self.today and (self.today - due).days <= 40 and (not self.overdue_made or rng.random() < 0.08):
                self.overdue_made += 1  # this review has not been held yet: the caseload shows it overdue
                return
            if self.v2.random() < 0.015 and self._end_without_conference(last, on_plan, last_end, held):
                return
            issues = self._drift(issues)
            rows = []
            staying = []
            for c in on_plan:
                # the next review may be held a few weeks late: end the plan before the child turns 18
                age_next = _age(c.birth, dates.add_months(held, self.interval) + timedelta(days=REVIEW_SLACK_DAYS))
                if n == ending:
                    decision = PLAN_ENDED(rng)
                elif c is early_leaver and n == ending - 1:
                    decision = "plan_ended_looked_after"
                elif age_next >= 18:
                    decision = rng.choice(("plan_ended_cin", "plan_ended_other"))
                else:
                    decision = "plan_continues"
                category = categories[c.case_ref] if decision == "plan_continues" else None
                before = category
                if category and rng.random() < 0.03:
                    category = rng.choice(("neglect", "multiple"))
                    categories[c.case_ref] = category
                category, check = self._ea(category, issues, decision, checks.get(c.case_ref))
                categories[c.case_ref] = category if category else categories[c.case_ref]
                checks[c.case_ref] = check
                rows.append(self._child_answers(c, held, decision, category, plan_start, sequence, check))
                rows[-1]["category_at_plan_start"] = start_categories.get(c.case_ref)
                if before and category and before != category:
                    rows[-1]["category_changed_from"] = before
                if c.case_ref in self.original_start:
                    rows[-1]["original_plan_start_date"] = self.original_start[c.case_ref].isoformat()
                if decision == "plan_continues":
                    staying.append(c)
            extra = {"review_number": n, "previous_conference_date": last_end.isoformat()}
            self._add(fam, "review", held, None, None, rows, issues, target, extra)
            last = len(self.records) - 1
            last_end = held
            on_plan = staying
            if not on_plan or len(self.records) >= target:
                break
        if not on_plan and rng.random() < 0.05:
            self._second_plan(fam, last_end, sequence, target)

    def _second_plan(self, fam: _Family, ended: date, sequence: str, target: int) -> None:
        start = ended + timedelta(days=self.rng.randint(120, 540))
        if start > self.today or len(self.records) >= target:
            return
        nxt = "third_or_more" if sequence in ("second", "third_or_more") else "second"
        self._episode(fam, "initial", start, nxt, target)

    def _drift(self, issues: list[str]) -> list[str]:
        """Issues mostly stay the same between conferences; now and then one is added or resolved."""
        rng = self.rng
        if rng.random() < 0.12:
            extra = [i for i in ISSUE_PREVALENCE if i not in issues]
            if extra and (len(issues) == 1 or rng.random() < 0.5):
                issues = issues + [rng.choice(extra)]
            else:
                issues = [i for i in issues if i != rng.choice(issues)]
        order = list(ISSUE_PREVALENCE)
        return sorted(issues, key=order.index)

    def _ea(
        self, category: str | None, issues: list[str], decision: str, previous: str | None
    ) -> tuple[str | None, str | None]:
        """The §5 prompt: when it applies, the chair sometimes confirms emotional abuse or changes it."""
        if category is None or not emotional_abuse_issues(issues, self.q):
            return category, None
        if previous is not None and EA_CHECK_CATEGORY[previous] == category:
            return category, previous
        if category == "emotional" and self.rng.random() < 0.6:
            check = EA_CHECK(self.rng)
            return EA_CHECK_CATEGORY[check], check
        return category, None

    # -- one conference ------------------------------------------------------------------------------
    def _child_answers(
        self,
        c: _Child,
        conf: date,
        decision: str | None,
        category: str | None,
        plan_start: date | None,
        sequence: str,
        check: str | None,
    ) -> dict[str, Any]:
        unborn = c.birth > conf
        age = None if unborn else _age(c.birth, conf)
        return {
            "case_ref": c.case_ref,
            "name": "Baby " + c.name.split(" ", 1)[1] if unborn else c.name,
            "unborn": unborn,
            "age_years": age,
            "decision": decision,
            "category": category,
            "plan_start_date": _iso(plan_start),
            "plan_sequence": sequence,
            "participation": self._participation(age),
            "emotional_abuse_check": check,
        }

    def _participation(self, age: int | None) -> str | None:
        rng = self.rng
        if age is None:
            return None
        if age < 4:
            return "pn0"
        if age < 8:
            return rng.choice(("pn6", "pn6", "pn5", "pn7"))
        if age < 12:
            return rng.choice(("pn5", "pn6", "pn2", "pn6", "pn7", "pn3"))
        return rng.choice(("pn1", "pn2", "pn5", "pn6", "pn6", "pn7", "pn4"))

    def _adults(self, fam: _Family, issues: list[str]) -> list[dict[str, Any]]:
        rng = self.rng
        split = "domestic_abuse" in issues  # a split conference keeps the adults apart
        out = []
        for a in fam.adults:
            reason = a.not_invited_reason if rng.random() >= 0.1 else None
            if reason is not None:
                attendance, invited = "not_invited", False
            else:
                invited = True
                pick = MOTHER_ATTENDS if a.relationship == "mother" else MALE_ATTENDS
                if a.relationship not in self.male and a.relationship != "mother":
                    pick = OTHER_ATTENDS
                attendance = pick(rng)
                if split and attendance == "attended_all" and a.relationship != "kinship_carer" and rng.random() < 0.1:
                    attendance = "attended_separately"
            out.append(
                {
                    "name": a.name if a.not_invited_reason != "identity_unknown" else "",
                    "relationship": a.relationship,
                    "invited": invited,
                    "attendance": attendance,
                    "not_invited_reason": reason,
                    "engaged_agencies": list(a.engaged),
                }
            )
        return out

    def _agencies(
        self, fam: _Family, kind: str, conf: date, children: list[dict[str, Any]], issues: list[str]
    ) -> list[dict[str, Any]]:
        """The agencies a coordinator would invite for these children and these issues."""
        rng = self.rng
        ages = [c["age_years"] for c in children if c["age_years"] is not None]
        unborn = any(c["unborn"] for c in children)
        cats = {c["category"] for c in children}
        wanted = {
            "police": True,
            "health_visitor": unborn or any(a < 5 for a in ages),
            "school_nurse": any(a >= 5 for a in ages),
            "gp": rng.random() < 0.92,
            "midwife": unborn,
            "paediatrician": bool(cats & {"physical", "sexual"}) or rng.random() < 0.05,
            "school": any(a >= 5 for a in ages),
            "early_years": any(2 <= a <= 4 for a in ages) and rng.random() < 0.5,
            "adult_mental_health": "parental_mental_health" in issues and rng.random() < 0.7,
            "camhs": "child_mental_health" in issues,
            "substance_misuse": bool({"parental_alcohol_misuse", "parental_drug_misuse"} & set(issues))
            and rng.random() < 0.75,
            "domestic_abuse_service": "domestic_abuse" in issues and rng.random() < 0.6,
            "probation": any(a.not_invited_reason == "in_prison" for a in fam.adults) or rng.random() < 0.06,
            "youth_justice": bool({"child_criminal_exploitation", "gangs"} & set(issues)),
            "housing": "housing_financial" in issues and rng.random() < 0.6,
            "early_help": rng.random() < 0.2,
            "other_la": kind == "transfer_in",
            "other": rng.random() < 0.04,
        }
        virtual = 0.45 if conf >= VIRTUAL_FROM else 0.04
        review = kind == "review"
        out = []
        for agency in self.q.codes["agency"]:
            if not wanted[agency]:
                continue
            if rng.random() < 0.04:
                out.append({"agency": agency, "invited": False, "attendance": None, "report": None})
                continue
            initial_rate, review_rate, report_rate = AGENCY_RATES[agency]
            if rng.random() < (review_rate if review else initial_rate):
                attendance = "attended_virtually" if rng.random() < virtual else "attended"
            else:
                attendance = "apologies" if rng.random() < 0.7 else "did_not_attend"
            r = rng.random()
            report = "on_time" if r < report_rate * 0.8 else "late" if r < report_rate else "none"
            out.append({"agency": agency, "invited": True, "attendance": attendance, "report": report})
        return out

    def _quality(self, on_plan: bool, review: bool, interpreter: bool) -> dict[str, str]:
        rng = self.rng
        quality = {
            "sw_report_to_chair": SW_REPORT(rng),
            "sw_report_shared_with_parents": SHARED(rng),
            "plan_smart": SMART(rng) if on_plan else "not_applicable",
            "contingency_plan": CONTINGENCY(rng) if on_plan else "not_applicable",
            "core_group_within_10_days": CORE_GROUP(rng) if on_plan and not review else "not_applicable",
            "family_support_worker_role": FSW(rng),
            "interpreter": ("provided" if rng.random() < 0.9 else "not_provided") if interpreter else "not_required",
            "dissent": DISSENT(rng),
        }
        return {k: quality[k] for k in self.quality_keys}

    def _escalations(self, conf: date, quality: dict[str, str]) -> list[dict[str, Any]]:
        rng = self.rng
        p = 0.05
        if quality.get("sw_report_to_chair") in ("on_the_day", "not_received"):
            p = 0.3
        if rng.random() >= p:
            return []
        kind = ESCALATION_TYPE(rng)
        if quality.get("sw_report_to_chair") in ("on_the_day", "not_received") and kind != "commendation":
            subject = "report_late_or_not_shared"
        else:
            subject = ESCALATION_SUBJECT(rng)
        stage = {"practice_alert": 1, "commendation": 1, "formal_escalation": rng.randint(2, 4)}[kind]
        raised = min(dates.add_working_days(conf, rng.choice((0, 0, 1, 2, 5))), self.today)
        resolved = kind == "commendation" or ((self.today - raised).days > 30 and rng.random() < 0.85)
        return [
            {
                "type": kind,
                "subject": subject,
                "stage": stage,
                "status": "resolved" if resolved else "open",
                "raised_on": raised.isoformat(),
            }
        ]

    def _answers(
        self,
        fam: _Family,
        kind: str,
        conf: date,
        strategy: date | None,
        delay: str | None,
        children: list[dict[str, Any]],
        issues: list[str],
    ) -> dict[str, Any]:
        on_plan = any(c["decision"] in ("plan_started", "plan_continues") for c in children)
        agencies = self._agencies(fam, kind, conf, children, issues)
        attended = sum(1 for a in agencies if a["attendance"] in ("attended", "attended_virtually"))
        quality = self._quality(on_plan, kind == "review", fam.interpreter)
        blank = self.q.blank(kind)
        blank["children"] = [{**self.q.blank_entry("children"), **c} for c in children]
        return blank | {
            "family_ref": fam.ref,
            "family_name": fam.name,
            "notes": self.rng.choice(NOTES) if self.rng.random() < 0.35 else "",
            "conference_type": kind,
            "conference_date": conf.isoformat(),
            "strategy_discussion_date": _iso(strategy),
            "delay_reason": delay,
            "quorate": attended >= 2,
            "children": blank["children"],
            "issues": list(issues),
            "adults": self._adults(fam, issues),
            "agencies": agencies,
            "quality": quality,
            "escalations": self._escalations(conf, quality),
        }

    def _v2_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The questions version 2 added, answered as a service records them today (from ``self.v2``)."""
        r = self.v2
        q = self.q
        kind = answers["conference_type"]
        answers["adults"] = [{**q.blank_entry("adults"), **a} for a in answers["adults"]]
        answers["agencies"] = [{**q.blank_entry("agencies"), **a} for a in answers["agencies"]]
        answers["escalations"] = [{**q.blank_entry("escalations"), **e} for e in answers["escalations"]]
        answers["social_worker_attendance"] = SW_ATTENDS(r)
        answers["team_manager_attendance"] = TM_ATTENDS(r)
        on_plan = any(c.get("decision") in ("plan_started", "plan_continues") for c in answers["children"])
        if on_plan or kind == "review":
            answers["lead_practitioner_role"] = LEAD_ROLE(r)
            answers["lead_practitioner_agency"] = "childrens_social_care" if r.random() < 0.97 else "nspcc"
        answers["parent_advocacy"] = ADVOCACY(r)
        answers["chair_met_parents"] = CHAIR_MET(r)
        answers["reports_shared_with_family"] = REPORTS_SHARED(r)
        answers["family_network_meeting"] = FAMILY_NETWORK(r)
        for c in answers["children"]:
            if c.get("category") == "multiple":
                c["category_components"] = sorted(
                    r.sample(["neglect", "emotional", "physical", "sexual"], r.choice((2, 2, 3))),
                    key=list(q.codes["category_component"]).index,
                )
            c["child_seen"], c["views_route"] = self._seen(c)
        for a in answers["adults"]:
            rel = a["relationship"]
            parent = rel in ("mother", "birth_father")
            a["parental_responsibility"] = (
                ("yes" if r.random() < 0.9 else "not_known") if parent else ("no" if r.random() < 0.85 else "yes")
            )
            lives = {"mother": 0.92, "birth_father": 0.35, "step_father_or_partner": 0.8, "kinship_carer": 0.3}
            a["lives_in_household"] = "yes" if r.random() < lives.get(rel, 0.2) else "no"
            if a.get("not_invited_reason") == "not_relevant":
                a["not_relevant_rationale"] = r.choice(RATIONALES)
            if (
                a.get("invited")
                and rel in self.male
                and "domestic_abuse" in answers["issues"]
                and a.get("attendance") in ("attended_all", "attended_part")
                and r.random() < 0.03
            ):
                a["attendance"], a["exclusion_reason"] = "excluded_by_chair", EXCLUSION(r)
        quality = answers["quality"]
        attended = [
            a["agency"] for a in answers["agencies"] if a.get("attendance") in ("attended", "attended_virtually")
        ]
        if quality.get("dissent") in ("professional", "both"):
            answers["dissent_agencies"] = sorted(
                {r.choice(attended) if attended and r.random() < 0.8 else "childrens_social_care"},
                key=list(q.codes["csc_or_agency"]).index,
            )
        if answers["dissent_agencies"] and not answers["escalations"] and r.random() < 0.5:
            raised = min(dates.add_working_days(date.fromisoformat(answers["conference_date"]), 2), self.today)
            answers["escalations"] = [
                q.blank_entry(
                    "escalations",
                    type="formal_escalation",
                    subject="threshold_or_category",
                    stage=2,
                    status="resolved" if (self.today - raised).days > 30 else "open",
                    raised_on=raised.isoformat(),
                )
            ]
        for e in answers["escalations"]:
            e["directed_at"] = "childrens_social_care" if r.random() < 0.7 or not attended else r.choice(attended)
            e["from_dissent"] = bool(answers["dissent_agencies"]) and e["type"] == "formal_escalation"
            if e["status"] == "resolved":
                raised = date.fromisoformat(e["raised_on"])
                e["resolved_on"] = min(raised + timedelta(days=r.randint(3, 45)), self.today).isoformat()
                e["outcome"] = "agreed" if e["type"] == "commendation" else OUTCOME(r)
        return answers

    def _seen(self, child: dict[str, Any]) -> tuple[str | None, str | None]:
        """Whether the child was seen, and how their views reached the conference, consistent with the PN code."""
        pn = child.get("participation")
        if child.get("unborn") or pn is None:
            return ("not_seen_too_young", None) if child.get("unborn") else (None, None)
        seen = "seen_alone" if (child.get("age_years") or 0) >= 5 and self.v2.random() < 0.6 else "seen_with_others"
        route = {
            "pn0": None,
            "pn1": "in_person",
            "pn2": "advocate",
            "pn3": "in_person",
            "pn4": "in_person",
            "pn5": "advocate",
            "pn6": self.v2.choice(("social_worker", "written_or_recorded", "other_professional")),
            "pn7": "not_conveyed",
        }[pn]
        return seen, route

    def _adjourned(
        self, fam: _Family, conf: date, strategy: date | None, children: list[_Child], sequence: str, target: int
    ) -> None:
        """An initial conference adjourned a week or two before it reconvened (on ``conf``)."""
        held = _previous_working_day(conf - timedelta(days=self.v2.randint(7, 14)))
        if strategy is None or held <= strategy or dates.working_days_between(strategy, held) < 5:
            return
        delay = None
        if dates.working_days_between(strategy, held) > dates.ICPC_WORKING_DAYS:
            delay = DELAY(self.v2)
        rows = [self._child_answers(c, held, "adjourned", None, None, sequence, None) for c in children]
        extra = {"adjourned": True, "adjournment_reason": ADJOURN(self.v2), "reconvene_date": conf.isoformat()}
        self._add(fam, "initial", held, strategy, delay, rows, list(fam.issues), target, extra)

    def _end_without_conference(self, index: int, on_plan: list[_Child], after: date, due: date) -> bool:
        """The plan of the conference at ``index`` ends without another conference (the child turned 18,
        moved away, became looked after, ...): recorded on that conference, a save (revision + 1) later."""
        if not 0 <= index < len(self.records) or self.records[index].status != COMPLETE:
            return False
        end = min(after + timedelta(days=self.v2.randint(10, max(11, (due - after).days - 5))), self.today)
        if end <= after:
            return False
        rec = self.records[index]
        answers = rec.answers
        reason = PLAN_END(self.v2)
        births = {c.case_ref: c.birth for c in on_plan}
        for c in answers["children"]:
            if c.get("decision") in ("plan_started", "plan_continues") and c.get("case_ref") in births:
                near_18 = _eighteenth(births[c["case_ref"]]) <= end + timedelta(days=200)
                c["plan_end_reason"] = "turned_18" if near_18 else reason
                c["plan_end_date"] = (min(_eighteenth(births[c["case_ref"]]), end) if near_18 else end).isoformat()
                if date.fromisoformat(c["plan_end_date"]) < date.fromisoformat(answers["conference_date"]):
                    c["plan_end_date"] = end.isoformat()
        rec.answers = self._saved(answers)
        rec.revision += 1
        return True

    def _stamp(self, day: date, minutes: int) -> str:
        moment = datetime.combine(day, time(8, 0), tzinfo=UTC) + timedelta(minutes=minutes)
        return dates.utc_timestamp(min(moment, self.now))

    def _add(
        self,
        fam: _Family,
        kind: str,
        conf: date,
        strategy: date | None,
        delay: str | None,
        children: list[dict[str, Any]],
        issues: list[str],
        target: int,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """A held conference: complete, or (recently) still a draft, sometimes only partly filled."""
        if len(self.records) >= target:
            return
        rng = self.rng
        answers = self._answers(fam, kind, conf, strategy, delay, children, issues)
        answers.update(extra or {})
        answers = self._v2_answers(answers)
        start = rng.randint(30, 240)
        created = self._stamp(conf, start)
        updated = self._stamp(conf, start + rng.randint(45, 420))
        age = (self.today - conf).days
        p_draft = 0.15 if age <= 5 else 0.025 if age <= RECENT_DAYS else 0.0
        if rng.random() < p_draft:
            if rng.random() < 0.6:  # the chair has not got to the quality questions yet
                answers["quality"] = {k: None for k in self.quality_keys}
                for a in answers["agencies"][rng.randrange(len(answers["agencies"]) + 1) :]:
                    if a["invited"]:
                        a["attendance"] = a["report"] = None
            self.records.append(_Record(self._saved(answers), DRAFT, rng.randint(2, 8), created, updated))
            return
        self.records.append(_Record(self._saved(answers), COMPLETE, rng.randint(3, 12), created, updated))

    def _saved(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as a save stores them (the rules of every save: derived answers worked out)."""
        return rules.normalise(answers, self.q, local_interval_months=self.interval)

    def _booked(
        self,
        fam: _Family,
        kind: str,
        conf: date,
        strategy: date | None,
        children: list[_Child],
        sequence: str,
        plan: tuple[date, dict[str, str | None]] | None,
    ) -> None:
        """A conference booked in the next few weeks with a draft prepared: details filled, no decisions."""
        if not children:
            return
        rng = self.rng
        rows = []
        for c in children:
            category = plan[1].get(c.case_ref) if plan else None
            rows.append(self._child_answers(c, conf, None, category, plan[0] if plan else None, sequence, None))
            rows[-1]["participation"] = None
        answers = self._answers(fam, kind, conf, strategy, None, rows, list(fam.issues))
        answers["quality"] = {k: None for k in self.quality_keys}
        answers["escalations"] = []
        answers["notes"] = ""
        answers["quorate"] = True
        for a in answers["agencies"]:
            if a["invited"]:
                a["attendance"] = a["report"] = None
        for a in answers["adults"]:
            if a["invited"]:
                a["attendance"] = None
        prepared = max(self.today - timedelta(days=rng.randint(1, 10)), self.window_start)
        stamp = self._stamp(prepared, rng.randint(30, 480))
        answers = self._v2_answers(answers)
        answers["escalations"] = []
        self.records.append(_Record(self._saved(answers), DRAFT, 1, stamp, stamp))


# --------------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------------
def existing_conferences(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Conference)) or 0


def generate(
    session: Session,
    conferences: int = 600,
    seed: int = 1,
    today: date | None = None,
    *,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill the chair's database with ``conferences`` demo conferences (deterministic for ``seed``).

    Refuses (DemoRefused) when the database already holds conferences, unless ``replace`` is set, which
    deletes them first: demo data mixed into real records could never be told apart. The caller commits.
    """
    if not 1 <= conferences <= MAX_CONFERENCES:
        raise CpchairError(f"Choose between 1 and {MAX_CONFERENCES:,} demo conferences (not {conferences}).")
    today = today or date.today()
    held = existing_conferences(session)
    if held and not replace:
        raise DemoRefused(
            f"This data folder already holds {held} conference(s), so no demo data was added. "
            "Use --replace to delete them and make new demo data, or choose an empty folder with --data-dir."
        )
    if held:
        session.execute(delete(ConferenceChild))
        session.execute(delete(Conference))
        session.execute(delete(SampleConference))

    say = progress or (lambda _text: None)
    q = load()
    rng = random.Random(seed)
    interval = settings.get(session, "review_interval_months")
    gen = _Generator(q, rng, today, interval, datetime.now(UTC), random.Random(f"cpchair-demo-v2-{seed}"))
    say(f"Making {conferences:,} demo conferences…")
    gen.run(conferences)

    chair_name = settings.get(session, "chair_name") or DEFAULT_CHAIR_NAME
    minutes_rng = random.Random(f"cpchair-demo-minutes-{seed}")
    local_rng = random.Random(f"cpchair-demo-local-{seed}")  # its own stream: the minutes stay as they were
    conference_rows = []
    child_rows = []
    local_rows = []
    for i, rec in enumerate(gen.records, start=1):
        if i % 100 == 0:
            say(f"Writing the minutes and checking each record: {i:,} of {len(gen.records):,}…")
        if rec.status == COMPLETE:
            problems = completion_problems(rec.answers, q)
            if problems:  # a bug in this generator: never write an invalid complete record
                raise AssertionError(f"demo generated an invalid complete record: {problems[:3]} in {rec.answers}")
            rec.minutes = demo_minutes(rec.answers, minutes_rng, chair_name)
            if rec.minutes is not None:
                local = demo_local(rec.answers, rec.minutes, local_rng)
                local_rows.append({"conference_id": rec.id, "data": local, "updated_at": rec.updated_at})
        conference_rows.append(
            {
                "id": rec.id,
                "revision": rec.revision,
                "status": rec.status,
                "ever_completed": rec.status == COMPLETE,
                "answers": rec.answers,
                "minutes": rec.minutes,
                "created_at": rec.created_at,
                "updated_at": rec.updated_at,
                "deleted_at": None,
                **summary_columns(rec.answers, interval),
            }
        )
        for values in child_columns(rec.answers):
            child_rows.append({"conference_id": rec.id, **values})
    say(f"Saving {len(conference_rows):,} conferences…")
    session.execute(insert(Conference.__table__), conference_rows)
    sample_data.mark_sample(session, [r["id"] for r in conference_rows])  # never exported as real work
    if child_rows:
        session.execute(insert(ConferenceChild.__table__), child_rows)
    if local_rows:
        session.execute(insert(MinutesLocal.__table__), local_rows)

    settings.put(session, "chair_name", chair_name)
    settings.put(session, "first_run_done", True)
    _sample_comparators(session)
    audit.record_event(session, "create", detail={"sample_conferences": len(conference_rows)})
    demo_key = _install_key()
    fingerprint = pseudonym.fingerprint(pseudonym.load_key())
    session.flush()
    return _summary(gen, conference_rows, today, held, chair_name, fingerprint, demo_key)


def _sample_comparators(session: Session) -> None:
    """The shipped sample DfE table (synthetic numbers), with an authority and three neighbours chosen, so a
    newcomer who tries the coordinator's side sees comparators; never over a table the coordinator imported."""
    from cpchair.services import comparators

    if comparators.load_table(session).values:
        return
    comparators.import_file(session, comparators.sample_path())
    comparators.choose(session, comparators.SAMPLE_AUTHORITY, list(comparators.SAMPLE_NEIGHBOURS))


def _install_key() -> bool:
    """Install the demo key, unless the coordinator's real key is already here (never overwrite that)."""
    if pseudonym.has_key():
        try:
            if pseudonym.load_key() != pseudonym.DEMO_KEY:
                return False
        except CpchairError:
            pass  # an unreadable key file: replace it with the demo key
    pseudonym.install_demo_key()
    return True


def _summary(
    gen: _Generator,
    rows: list[dict[str, Any]],
    today: date,
    replaced: int,
    chair_name: str,
    fingerprint: str,
    demo_key: bool,
) -> DemoSummary:
    complete = [r for r in gen.records if r.status == COMPLETE]
    held_dates = [r["conference_date"] for r in rows if r["conference_date"]]
    latest: dict[str, tuple[date, dict[str, Any], date | None]] = {}
    for rec, row in zip(gen.records, rows, strict=True):
        if rec.status != COMPLETE or row["conference_date"] > today:
            continue
        for child in rec.answers["children"]:
            held = latest.get(child["case_ref"])
            if held is None or row["conference_date"] > held[0]:
                latest[child["case_ref"]] = (row["conference_date"], child, row["next_review_due"])
    plan_decisions = gen.q.group("plan_decisions")
    on_plan = [
        (c, due)
        for _d, c, due in latest.values()
        if c["decision"] in plan_decisions
        and not (c.get("plan_end_reason") and date.fromisoformat(c["plan_end_date"]) <= today)
    ]
    longest = 0
    for c, _due in on_plan:
        start = date.fromisoformat(c.get("original_plan_start_date") or c["plan_start_date"])
        months = (today.year - start.year) * 12 + today.month - start.month
        if dates.add_months(start, months) > today:
            months -= 1
        longest = max(longest, months)
    # a family is overdue only when nothing later was held for it
    last_by_family: dict[str, dict[str, Any]] = {}
    for rec, r in zip(gen.records, rows, strict=True):
        if rec.status == COMPLETE and r["conference_date"] <= today:
            held = last_by_family.get(r["family_ref"])
            if held is None or r["conference_date"] > held["conference_date"]:
                last_by_family[r["family_ref"]] = r
    overdue = sum(1 for r in last_by_family.values() if r["next_review_due"] and r["next_review_due"] < today)
    return DemoSummary(
        conferences=len(rows),
        complete=len(complete),
        drafts=len(rows) - len(complete),
        by_type=dict(Counter(r["conference_type"] for r in rows)),
        families=len({r["family_ref"] for r in rows}),
        children=len({c["case_ref"] for rec in gen.records for c in rec.answers["children"]}),
        first_date=min(held_dates) if held_dates else None,
        last_date=max(held_dates) if held_dates else None,
        on_plan_today=len(on_plan),
        reviews_overdue=overdue,
        longest_open_plan_months=longest,
        replaced=replaced,
        chair_name=chair_name,
        key_fingerprint=fingerprint,
        demo_key_installed=demo_key,
    )
