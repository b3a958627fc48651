"""A seeded generator of valid, multi-year, multi-chair conference records (spec §4 shape) for tests and
benchmarks.

Why not the demo service: the statistics test needs families followed over years (initial conference,
reviews every six months, plans ending) and deliberate edge cases: strategy discussions just before the
Christmas and Easter bank holidays, plans starting on 29–31 January and 31 August (month ends for
calendar-month bands), reviews landing exactly on a band's boundary, and two conferences for the same
child on the same day (ties broken by ``updated_at``). Every record passes ``validation.errors``.

With ``v2`` (a share of families, 0 by default) some families are recorded on questionnaire version 2: their
conferences before ``upgrade`` are carried from version 1 (``carried_from_version`` = 1, by the real
migration's ``carry``), the later ones answer every version 2 question (attendance and quorum, who dissented,
escalations directed and resolved, adjournments, plans ending without a conference, 'multiple' categories,
fathers' parental responsibility and exclusion, the Working Together questions). The rest stay version 1, so
every period holds all three kinds. With ``v2`` 0 the random draws, and so the records, are as before.
"""

from __future__ import annotations

import importlib
import random
import uuid
from datetime import date, timedelta
from typing import Any

from cpchair.domain import dates, rules
from cpchair.domain.questionnaire import load

# Weekdays chosen for the calendar-month edge cases (all are Monday–Friday).
MONTH_END_STARTS = (
    date(2022, 1, 31), date(2022, 8, 31), date(2023, 1, 30), date(2023, 1, 31), date(2023, 8, 31),
    date(2024, 1, 29), date(2024, 1, 30), date(2024, 1, 31), date(2022, 12, 30), date(2023, 5, 31),
)  # fmt: skip
# Strategy discussions just before bank holidays: Christmas and Easter (Maundy Thursday, the day before).
HOLIDAY_STRATEGIES = (
    date(2021, 12, 23), date(2021, 12, 24), date(2022, 12, 22), date(2022, 12, 23), date(2023, 12, 21),
    date(2023, 12, 22), date(2024, 12, 20), date(2024, 12, 24), date(2022, 4, 14), date(2023, 4, 5),
    date(2023, 4, 6), date(2024, 3, 27), date(2024, 3, 28), date(2025, 4, 17), date(2023, 5, 5),
)  # fmt: skip


def weekday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


UPGRADE = date(2023, 10, 2)  # the generated service moved to questionnaire version 2 on this day


class Generator:
    def __init__(self, seed: int = 2024, start: date = date(2021, 4, 1), end: date = date(2025, 9, 30),
                 v2: float = 0.0, upgrade: date = UPGRADE) -> None:  # fmt: skip
        self.rng = random.Random(seed)
        self.q = load(1)  # version 1 records (the format every release keeps reading)
        self.q2 = load(2)
        self.start, self.end = start, end
        self.codes = {k: tuple(v) for k, v in self.q.codes.items()}
        self.codes2 = {k: tuple(v) for k, v in self.q2.codes.items()}
        self.v2, self.upgrade = v2, upgrade

    # -- small pieces -------------------------------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def key(self, prefix: str) -> str:
        return f"{prefix}_{self.rng.getrandbits(128):032x}"

    def pick(self, code_list: str) -> str:
        return self.rng.choice(self.codes[code_list])

    def stamp(self, d: date, minute: int = 0) -> str:
        return f"{d.isoformat()}T{16 + minute // 60:02d}:{minute % 60:02d}:00Z"

    def random_date(self) -> date:
        span = (self.end - self.start).days
        return weekday_on_or_after(self.start + timedelta(days=self.rng.randrange(span)))

    def issues(self) -> list[str]:
        rng = self.rng
        chosen = set(rng.sample(self.codes["issue"], rng.randint(0, 3)))
        if rng.random() < 0.45:
            chosen |= {"domestic_abuse", rng.choice(self.q.group("emotional_abuse_cofactors"))}
        return sorted(chosen)

    def adults(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for _ in range(rng.randint(0, 4)):
            invited = rng.random() < 0.75
            out.append(
                {
                    "relationship": self.pick("relationship"),
                    "invited": invited,
                    "attendance": rng.choice(["attended_all", "attended_part", "attended_separately", "did_not_attend"])
                    if invited
                    else "not_invited",
                    "not_invited_reason": None if invited else self.pick("not_invited_reason"),
                    "engaged_agencies": rng.sample(self.codes["agency"], rng.choice([0, 0, 1, 2, 3])),
                }
            )
        return out

    def agencies(self) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for agency in rng.sample(self.codes["agency"], rng.randint(0, 8)):
            invited = rng.random() < 0.85
            out.append(
                {
                    "agency": agency,
                    "invited": invited,
                    "attendance": self.pick("agency_attendance") if invited else None,
                    "report": self.pick("agency_report") if invited else None,
                }
            )
        return out

    def escalations(self, d: date) -> list[dict[str, Any]]:
        return [
            {
                "type": self.pick("escalation_type"),
                "subject": self.pick("escalation_subject"),
                "stage": self.rng.randint(1, 4),
                "status": self.pick("escalation_status"),
                "raised_on": (d + timedelta(days=self.rng.randint(0, 40))).isoformat(),
            }
            for _ in range(self.rng.choice([0, 0, 0, 1, 2]))
        ]

    def category(self, ea_family: bool) -> tuple[str, str | None]:
        """A category and, for §5 families, sometimes the chair's answer to the guidance."""
        rng = self.rng
        category = rng.choices(self.codes["category"], weights=(40, 35, 10, 5, 10))[0]
        if ea_family and rng.random() < 0.5:
            check = rng.choice(("confirmed", "changed_to_neglect", "changed_to_multiple"))
            return {"confirmed": "emotional", "changed_to_neglect": "neglect", "changed_to_multiple": "multiple"}[
                check
            ], check
        return category, None

    def record(self, ctype: str, d: date, children: list[dict[str, Any]], issues: list[str], **extra: Any) -> dict:
        rng = self.rng
        minute = rng.randint(0, 200)
        rec = {
            "id": self.uuid(),
            "revision": rng.choice((1, 1, 1, 2, 3)),
            "questionnaire_version": 1,
            "conference_type": ctype,
            "conference_date": d.isoformat(),
            "family_key": extra.pop("family_key"),
            "strategy_discussion_date": None,
            "delay_reason": None,
            "quorate": rng.random() < 0.9,
            "children": children,
            "issues": issues,
            "adults": self.adults(),
            "agencies": self.agencies(),
            "quality": {k: self.pick(k) for k in self.q.quality_keys},
            "escalations": self.escalations(d),
            "created_at": self.stamp(d, minute),
            "updated_at": self.stamp(d, minute + rng.randint(0, 30)),
        }
        rec.update(extra)
        return rec

    # -- a family's history ------------------------------------------------------------------------------
    def family(self) -> list[dict[str, Any]]:
        rng = self.rng
        fk = self.key("fk")
        ctype = rng.choices(("initial", "pre_birth_initial", "transfer_in"), weights=(78, 11, 11))[0]
        strategy = None
        roll = rng.random()
        if roll < 0.12 and ctype != "transfer_in":
            strategy = rng.choice(HOLIDAY_STRATEGIES)
            d0 = weekday_on_or_after(strategy + timedelta(days=rng.randint(14, 30)))
        elif roll < 0.24:
            d0 = rng.choice(MONTH_END_STARTS)
        else:
            d0 = self.random_date()
        if ctype != "transfer_in" and strategy is None:
            strategy = d0 - timedelta(days=rng.choice((0, 3, 7, 10, 14, 18, 20, 21, 22, 25, 30, 45)))
        elif ctype == "transfer_in" and rng.random() < 0.2:
            strategy = d0 - timedelta(days=5)  # optional for transfers, and never timed
        issues = self.issues()
        ea_family = "domestic_abuse" in issues and bool(set(issues) & set(self.q.group("emotional_abuse_cofactors")))
        children = []
        for i in range(rng.choice((1, 1, 1, 2, 2, 3))):
            unborn = ctype == "pre_birth_initial" and i == 0
            on_plan = rng.random() < 0.78
            category, check = self.category(ea_family) if on_plan else (None, None)
            children.append(
                {
                    "child_key": self.key("ck"),
                    "unborn": unborn,
                    "age_years": None if unborn else rng.randint(0, 17),
                    "decision": "plan_started" if on_plan else self.pick("decision_initial"),
                    "category": category,
                    "plan_start_date": d0.isoformat() if on_plan else None,
                    "plan_sequence": self.pick("plan_sequence"),
                    "participation": rng.choice((None, *self.codes["participation"])),
                    "emotional_abuse_check": check,
                }
            )
        for c in children:  # an off-plan decision drawn at random may itself be plan_started
            if c["decision"] == "plan_started" and c["category"] is None:
                c["category"], c["plan_start_date"] = "neglect", d0.isoformat()
        delay = None
        if ctype == "initial" and strategy is not None:
            late = dates.working_days_between(strategy, d0) > dates.ICPC_WORKING_DAYS
            if late or rng.random() < 0.1:
                delay = self.pick("delay_reason")
        first = self.record(
            ctype,
            d0,
            children,
            issues,
            family_key=fk,
            strategy_discussion_date=strategy.isoformat() if strategy else None,
            delay_reason=delay,
        )
        records = [first]
        on_plan = [dict(c) for c in children if c["decision"] == "plan_started"]
        review_no = 0
        while on_plan:
            review_no += 1
            months = 3 if review_no == 1 else 3 + 6 * (review_no - 1)
            offset = rng.choice((-3, -1, 0, 0, 0, 1, 4, 12))
            d = weekday_on_or_after(dates.add_months(d0, months) + timedelta(days=offset))
            if d > self.end:
                break
            issues = self.issues() if rng.random() < 0.3 else issues
            ea_family = "domestic_abuse" in issues and bool(
                set(issues) & set(self.q.group("emotional_abuse_cofactors"))
            )
            kids = []
            still = []
            for c in on_plan:
                ends = rng.random() < 0.15 + 0.1 * review_no
                category, check = (None, None) if ends else self.category(ea_family)
                kid = {
                    **c,
                    "decision": self.pick("decision_review") if ends else "plan_continues",
                    "category": category,
                    "emotional_abuse_check": check,
                    "age_years": c["age_years"] if c["age_years"] is not None else 0,
                    "unborn": False,
                }
                if kid["decision"] == "plan_continues" and kid["category"] is None:
                    kid["category"] = "neglect"
                if kid["decision"] != "plan_continues" and kid["decision"] != "plan_started":
                    kid["category"], kid["emotional_abuse_check"] = None, None
                kids.append(kid)
                if kid["decision"] == "plan_continues":
                    still.append(kid)
            records.append(self.record("review", d, kids, issues, family_key=fk))
            if rng.random() < 0.04:  # reconvened the same day: the later update decides the child's state
                again = self.record("review", d, [dict(k) for k in kids], issues, family_key=fk)
                again["updated_at"] = self.stamp(d, 400)
                for k in again["children"]:
                    k["decision"], k["category"], k["emotional_abuse_check"] = "plan_ended_cin", None, None
                records.append(again)
                still = []
            on_plan = still
        if self.v2 and self.rng.random() < self.v2:
            return self.version_2(records)
        return records

    # -- questionnaire version 2 ---------------------------------------------------------------------------
    def pick2(self, code_list: str, blank: float = 0.0) -> str | None:
        return None if self.rng.random() < blank else self.rng.choice(self.codes2[code_list])

    def version_2(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The family's conferences as a version 2 chair exports them: carried before the upgrade, asked after."""
        carry = importlib.import_module("cpchair.storage.migrations.versions.0006_questionnaire_v2").carry
        out: list[dict[str, Any]] = []
        gone: set[str] = set()  # children whose plan ended without a conference
        previous: dict[str, date] = {}  # child_key -> its last conference date before this one
        reviews: dict[str, int] = {}
        last_category: dict[str, str | None] = {}
        for rec in records:
            rec["children"] = [c for c in rec["children"] if c["child_key"] not in gone]
            if not rec["children"]:
                continue
            held = date.fromisoformat(rec["conference_date"])
            if held < self.upgrade:
                new = carry(rec)
                new.pop("expected_delivery_date", None)
                for adult in new["adults"]:
                    adult.pop("not_relevant_rationale", None)
            else:
                new = self.asked(rec, held, previous, reviews, last_category, gone)
                if new is None:  # an adjourned initial conference: the family's story stops there
                    out.append(self.adjourned_initial(rec))
                    break
            new["questionnaire_version"] = 2
            out.append(new)
            for c in new["children"]:
                if held > previous.get(c["child_key"], date.min):
                    previous[c["child_key"]] = held
                last_category[c["child_key"]] = c["category"]
        return out

    def _v2_top(self, rec: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        blanks = importlib.import_module("cpchair.storage.migrations.versions.0006_questionnaire_v2")
        new = {**rec, **{k: v for k, v in blanks.TOP.items() if k != "expected_delivery_date"}}
        new["carried_from_version"] = None
        new["social_worker_attendance"] = rng.choices(self.codes2["csc_attendance"], weights=(70, 15, 6, 5, 4))[0]
        new["team_manager_attendance"] = rng.choices(self.codes2["csc_attendance"], weights=(15, 10, 5, 5, 65))[0]
        for key in ("lead_practitioner_role", "lead_practitioner_agency", "parent_advocacy", "chair_met_parents",
                    "reports_shared_with_family", "family_network_meeting"):  # fmt: skip
            new[key] = self.pick2(self.q2.field(key).codes, blank=0.15)
        if new["quality"]["dissent"] in ("professional", "both"):
            new["dissent_agencies"] = rng.sample(self.codes2["csc_or_agency"], rng.choice((1, 1, 2, 3)))
        return new

    def asked(self, rec, held, previous, reviews, last_category, gone) -> dict[str, Any] | None:
        rng = self.rng
        ctype = rec["conference_type"]
        new = self._v2_top(rec)
        if ctype == "pre_birth_initial":
            new["weeks_before_edd"] = rng.randint(2, 30)
        if ctype == "transfer_in":
            new["transfer_notified_date"] = (held - timedelta(days=rng.randint(0, 25))).isoformat()
        if ctype == "review":
            key = rec["children"][0]["child_key"]
            before = previous.get(key)
            if before is None or before >= held:  # reconvened the same day: the conference before that one
                before = held - timedelta(days=rng.randint(80, 190))
            reviews[key] = reviews.get(key, 0) + 1
            new["review_number"] = reviews[key]
            new["previous_conference_date"] = before.isoformat()
        adjourn = rng.random() < 0.06
        if adjourn and ctype != "review":
            return None
        if adjourn:
            new["adjourned"] = True
            new["adjournment_reason"] = self.pick2("adjournment_reason")
            new["reconvene_date"] = weekday_on_or_after(held + timedelta(days=14)).isoformat()
        children = []
        for c in rec["children"]:
            kid = {**c, **importlib.import_module("cpchair.storage.migrations.versions.0006_questionnaire_v2").CHILD}
            if adjourn:
                kid["decision"] = "plan_continues"
                kid["category"] = kid["category"] or last_category.get(kid["child_key"]) or "neglect"
                kid["emotional_abuse_check"] = None
            if kid["category"] == "multiple":
                kid["category_components"] = rng.sample(self.codes2["category_component"], rng.choice((2, 2, 3)))
            if ctype == "review" and kid["decision"] == "plan_continues":
                was = last_category.get(kid["child_key"])
                if was is not None and was != kid["category"] and rng.random() < 0.9:
                    kid["category_changed_from"] = was
            if ctype == "transfer_in" and kid["decision"] == "plan_started":
                kid["original_plan_start_date"] = (held - timedelta(days=rng.randint(40, 400))).isoformat()
            kid["child_seen"] = self.pick2("child_seen", blank=0.1)
            kid["views_route"] = self.pick2("views_route", blank=0.1)
            if kid["decision"] in ("plan_started", "plan_continues") and rng.random() < 0.05:
                kid["plan_end_reason"] = self.pick2("plan_end_without_conference")
                kid["plan_end_date"] = (held + timedelta(days=rng.randint(0, 90))).isoformat()
                gone.add(kid["child_key"])
            children.append(kid)
        new["children"] = children
        adults = []
        for a in rec["adults"]:
            adult = {
                **a,
                "parental_responsibility": self.pick2("yes_no_not_known", blank=0.2),
                "lives_in_household": self.pick2("yes_no_not_known", blank=0.2),
                "exclusion_reason": None,
            }
            if adult["invited"] and rng.random() < 0.06:
                adult["attendance"] = "excluded_by_chair"
                adult["exclusion_reason"] = self.pick2("exclusion_reason")
            adults.append(adult)
        new["adults"] = adults
        professional = bool(new["dissent_agencies"])
        escalations = []
        for e in rec["escalations"]:
            esc = {**e, "directed_at": self.pick2("csc_or_agency"), "from_dissent": professional and rng.random() < 0.5,
                   "resolved_on": None, "outcome": None}  # fmt: skip
            if esc["status"] == "resolved":
                raised = date.fromisoformat(esc["raised_on"])
                esc["resolved_on"] = (
                    raised + timedelta(days=rng.choice((0, 3, 7, 8, 20, 28, 29, 60, 90, 91, 150)))
                ).isoformat()
                esc["outcome"] = self.pick2("escalation_outcome")
            escalations.append(esc)
        new["escalations"] = escalations
        out = rules.normalise(new, self.q2)
        out.pop("expected_delivery_date", None)
        for adult in out["adults"]:
            adult.pop("not_relevant_rationale", None)
        return out

    def adjourned_initial(self, rec: dict[str, Any]) -> dict[str, Any]:
        """An initial conference adjourned: every child's decision 'Adjourned', no plan yet."""
        new = self._v2_top(rec)
        new["questionnaire_version"] = 2
        new["adjourned"] = True
        new["adjournment_reason"] = self.pick2("adjournment_reason")
        held = date.fromisoformat(rec["conference_date"])
        new["reconvene_date"] = weekday_on_or_after(held + timedelta(days=10)).isoformat()
        blank_child = importlib.import_module("cpchair.storage.migrations.versions.0006_questionnaire_v2").CHILD
        new["children"] = [{**c, **blank_child, "decision": "adjourned", "category": None, "plan_start_date": None,
                            "emotional_abuse_check": None} for c in rec["children"]]  # fmt: skip
        if rec["conference_type"] == "pre_birth_initial":
            new["weeks_before_edd"] = 12
        if rec["conference_type"] == "transfer_in":
            new["transfer_notified_date"] = rec["conference_date"]
        new["adults"] = [{**a, "parental_responsibility": None, "lives_in_household": None, "exclusion_reason": None}
                         for a in rec["adults"]]  # fmt: skip
        blank_escalation = {"from_dissent": False, "resolved_on": None, "outcome": None, "status": "open"}
        new["escalations"] = [
            {**e, **blank_escalation, "directed_at": self.pick2("csc_or_agency")} for e in rec["escalations"]
        ]
        out = rules.normalise(new, self.q2)
        out.pop("expected_delivery_date", None)
        for adult in out["adults"]:
            adult.pop("not_relevant_rationale", None)
        return out


def generate(
    count: int,
    *,
    seed: int = 2024,
    chairs: int = 3,
    start: date = date(2021, 4, 1),
    end: date = date(2025, 9, 30),
    v2: float = 0.0,
) -> list[tuple[int, dict[str, Any]]]:
    """At least ``count`` valid records as (chair index, record), families kept with one chair; ``v2`` the share
    of families recorded on questionnaire version 2 (carried from version 1 before the upgrade)."""
    gen = Generator(seed, start, end, v2=v2)
    out: list[tuple[int, dict[str, Any]]] = []
    while len(out) < count:
        chair = gen.rng.randrange(chairs)
        out.extend((chair, rec) for rec in gen.family())
    return out


def export_document(records: list[dict[str, Any]], *, chair: int = 0, sequence: int = 1, deleted=()) -> dict:
    """A complete, valid export envelope around ``records`` (digest and record_count filled in)."""
    from cpchair.interchange.canonical import payload_sha256

    payload = {"conferences": records, "deleted": list(deleted)}
    rng = random.Random(f"chair-{chair}")
    return {
        "format": "cpchair-export",
        "format_version": 1,
        "export_id": str(uuid.UUID(int=rng.getrandbits(128) ^ sequence, version=4)),
        "app_version": "1.0.0",
        "chair_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "chair_name": f"Chair {chair + 1}",
        "device_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "sequence": sequence,
        "created_at": "2025-10-01T09:00:00Z",
        "record_count": len(records) + len(payload["deleted"]),
        "payload_sha256": payload_sha256(payload),
        "payload": payload,
    }
