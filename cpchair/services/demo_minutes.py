"""Realistic, fictional minutes for the demo data, so that every kind of conference prints something a chair
would recognise (an initial conference that starts a plan, a pre-birth conference, a review that ends one).

The text is assembled from the conference's own answers (children, adults, agencies, issues, decisions) and
small banks of phrasing in the style of a Signs of Safety record; ``rng`` picks among them, so the same seed
gives the same minutes. Nothing here is a real case.
"""

from __future__ import annotations

import random
from typing import Any

from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.services.minutes import blank_minutes

VENUES = (
    "Meeting Room 2, Civic Centre",
    "Family Centre, Church Street",
    "Conference Suite, Riverside House",
    "Children's Centre, Park Road",
)
VIRTUAL = ("Microsoft Teams", "Microsoft Teams (hybrid: chair and family at the Civic Centre)")
MINUTE_TAKERS = ("Joanne Pike", "Marcus Bell", "Priya Sandhu", "Tomasz Nowak", "Helen Ashworth")
SOCIAL_WORKERS = ("Sarah Okafor", "Daniel Hughes", "Aisha Rahman", "Emma Clarke", "Luke Brennan")

WORRIES = {
    "domestic_abuse": "Police have attended the home {n} times in the last six months following reports of "
    "arguments and violence between the adults; on two occasions the children were present and one child "
    "told school they hid upstairs. The worry is that the children will be physically hurt if caught up in an "
    "incident, and are already frightened and unsettled by what they see and hear.",
    "parental_mental_health": "Mother describes low mood and not getting out of bed on some days. When she is "
    "unwell the children's routines break down: school attendance has fallen to {pct}% and meals are irregular.",
    "parental_alcohol_misuse": "Father's drinking increases at weekends. Neighbours reported the children "
    "outside late in the evening with no adult supervising them while he was intoxicated.",
    "parental_drug_misuse": "There are concerns about cannabis and cocaine use in the home. Drug paraphernalia "
    "was seen within the children's reach at the last home visit.",
    "housing_financial": "The family are in temporary accommodation with damp in the bedrooms; there is rent "
    "arrears and the electricity meter has run out on several occasions.",
    "child_criminal_exploitation": "The eldest child has been found in another town with older young people and "
    "large amounts of cash; police believe he is being drawn into drug running.",
    "going_missing": "The child has been reported missing {n} times since the last conference, returning after "
    "one or two nights without saying where she has been.",
    "child_mental_health": "The child has spoken to school about self-harm and is waiting for a CAMHS assessment.",
}
GENERIC_WORRY = (
    "The home conditions have been poor on repeated visits, with little food in the house and the children "
    "arriving at school hungry and in unwashed clothes. Health appointments have been missed, including the "
    "youngest child's development review."
)
WORKING_WELL = (
    "The children are well attached to their mother and are warm and affectionate with her.",
    "Maternal grandmother lives nearby, visits most days and is willing to be part of the safety network.",
    "School attendance has improved since the last conference and staff describe the children as settled.",
    "Both parents have attended every core group and have been honest with the social worker about the difficulties.",
    "Mother has engaged with the domestic abuse service and completed the Freedom Programme.",
    "The health visitor reports the baby is gaining weight and all immunisations are up to date.",
)
NEEDS = (
    "The children need to live in a home free from violence, where the adults keep them safe and their basic "
    "needs are met every day.",
    "Parents need to show over the next three months that they can keep to the agreed safety plan, including "
    "who the children can be left with.",
    "The safety network needs to be widened so that there are at least three adults who know the worries and "
    "will act on them.",
)
PLAN_ROWS = (
    (
        "The children are safe from domestic abuse",
        "Complete a risk assessment and safety plan with mother",
        "Domestic abuse service",
        20,
    ),
    (
        "The children's basic needs are met",
        "Weekly unannounced visits, including seeing the children's bedrooms",
        "Social worker",
        10,
    ),
    ("Mother's mental health is supported", "Book a GP review and refer to talking therapies", "Mother / GP", 15),
    (
        "Father reduces his drinking",
        "Attend the substance misuse service's assessment and keep appointments",
        "Father",
        20,
    ),
    ("The children attend school every day", "Attendance monitored weekly and shared at each core group", "School", 60),
    ("The family's network is part of the plan", "Hold a family network meeting", "Social worker", 25),
    (
        "The children's health needs are met",
        "Arrange outstanding dental and development checks",
        "Health visitor / school nurse",
        30,
    ),
)
CONTRIBUTIONS = {
    "police": "Police shared {n} domestic incidents attended at the address since January, two graded medium "
    "risk. No current bail conditions.",
    "health_visitor": "The health visitor has visited the home three times; the youngest child's growth is on the "
    "25th centile and the home was cold on the last visit.",
    "school_nurse": "The school nurse has offered drop-in sessions; the child attended once and spoke about "
    "worries at home.",
    "gp": "The GP reported that mother was prescribed antidepressants in the spring and has missed two reviews.",
    "midwife": "The midwife confirmed mother booked late at 22 weeks; she has attended most antenatal "
    "appointments since and the pregnancy is progressing well.",
    "paediatrician": "The paediatrician saw the child after the injury and found it consistent with a "
    "non-accidental explanation; a skeletal survey was normal.",
    "school": "School reported attendance of {pct}% this term. The children often arrive late and hungry; "
    "staff provide breakfast club.",
    "early_years": "Nursery reported the child is a happy little boy whose speech is delayed; attendance is patchy.",
    "adult_mental_health": "The community mental health team confirmed mother is open to them with a care "
    "coordinator and is attending appointments.",
    "camhs": "CAMHS have accepted the referral and an assessment appointment is booked.",
    "substance_misuse": "The substance misuse service reported father has attended two of four appointments; "
    "drug screens were positive for cannabis.",
    "domestic_abuse_service": "The IDVA has worked with mother since the referral and the case was heard at "
    "MARAC last month.",
    "probation": "Probation confirmed father is on licence until next year and has disclosed the relationship.",
    "youth_justice": "The youth justice worker sees the young person weekly and shares the exploitation worries.",
    "housing": "Housing confirmed the family are on the transfer list and repairs to the damp have been ordered.",
    "early_help": "The family support worker has worked with the family on routines and budgeting.",
    "other_la": "The previous authority shared its chronology and the child protection plan that was in place.",
}


def _meeting_time(rng) -> str:
    """A morning or an afternoon conference, ending after it starts (the demo once wrote "13:30 to 11:45").
    Two draws, as before, so the rest of the sample data stays as it was."""
    start = rng.choice(("09:30", "10:00", "10:30", "13:30", "14:00"))
    end = rng.choice(("11:45", "12:00", "15:30", "16:00"))
    if end <= start:  # an afternoon start with a morning end: the afternoon's end instead
        end = {"11:45": "15:30", "12:00": "16:00"}[end]
    return f"{start} to {end}"


def _fmt(text: str, rng: random.Random) -> str:
    return text.format(n=rng.randint(2, 6), pct=rng.randint(68, 88))


def _children_names(answers: dict[str, Any]) -> str:
    names = [
        (c.get("name") or "").strip() or ("the unborn baby" if c.get("unborn") else "")
        for c in answers.get("children") or []
    ]
    names = [n for n in names if n]
    if not names:
        return "the children"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def demo_minutes(answers: dict[str, Any], rng: random.Random, chair_name: str) -> dict[str, Any] | None:
    """The minutes a chair would write for this conference, or None when there are none yet (no date)."""
    conf_type = answers.get("conference_type")
    conf_date = dates.parse_iso(answers.get("conference_date"))
    if not conf_type or conf_date is None:
        return None
    q = load()
    children = answers.get("children") or []
    on_plan = [c for c in children if c.get("decision") in q.group("plan_decisions")]
    who = _children_names(answers)
    issues = list(answers.get("issues") or [])
    agencies = [a for a in answers.get("agencies") or [] if a.get("invited")]
    sw = rng.choice(SOCIAL_WORKERS)

    m = blank_minutes()
    virtual = rng.random() < 0.35
    m.update(
        time=_meeting_time(rng),
        venue=rng.choice(VIRTUAL) if virtual else rng.choice(VENUES),
        virtual=virtual,
        chair=chair_name,
        minute_taker=rng.choice(MINUTE_TAKERS),
    )
    adults = answers.get("adults") or []
    household = [
        f"{a.get('name') or 'Unnamed'} ({q.label('relationship', a.get('relationship')).lower()})" for a in adults
    ]
    unborn = bool(children and children[0].get("unborn"))
    lives = "is expected to live" if unborn else ("lives" if len(children) == 1 else "live")
    m["household"] = (
        f"{who[0].upper()}{who[1:]} {lives} with " + (", ".join(household) if household else "their mother") + ". "
        "Maternal grandmother lives locally and is in regular contact."
    )
    if any(a.get("attendance") == "not_invited" for a in adults):
        m["household"] += " An adult was not invited; the reason is recorded in the attendance table."
    # Only who was there: an interpreter when one was provided, an advocate or supporter when present.
    present = []
    if answers.get("parent_advocacy") == "advocate_present":
        present.append("Parents' advocate (supporting mother).")
    elif answers.get("parent_advocacy") == "supporter_present":
        present.append("A family friend, as mother's supporter.")
    if (answers.get("quality") or {}).get("interpreter") == "provided":
        present.append("Interpreter (Polish), booked by the service.")
    if answers.get("team_manager_attendance") in ("attended", "attended_virtually"):
        present.append("Team manager, children's social care.")
    m["others_present"] = " ".join(present)
    purposes = {
        "initial": f"To share and analyse information following section 47 enquiries about {who}, and to decide "
        "whether they are likely to suffer significant harm and need a child protection plan.",
        "pre_birth_initial": f"To consider the risks to {who} before birth, following a referral from the "
        "midwife, and to decide whether a child protection plan is needed from birth.",
        "review": f"To review the progress of the child protection plan for {who}, to consider whether they "
        "remain at risk of significant harm, and whether the plan should continue.",
        "transfer_in": f"To consider the child protection plan for {who}, who moved into this authority from "
        "another area, and to decide whether a plan is needed here.",
    }
    m["purpose"] = purposes.get(conf_type, purposes["initial"]) + (
        "\n\nThe chair explained the ground rules: information shared is confidential, everyone is listened to, "
        "and the family may ask for a break at any time."
    )
    shared = (answers.get("quality") or {}).get("sw_report_shared_with_parents")
    shared_text = {
        "two_days_before": "which was shared with the parents at least two working days before the conference",
        "less_than_two_days": "which was shared with the parents less than two working days before the conference",
        "on_the_day": "which the parents first saw on the day",
        "not_shared": "which had not been shared with the parents",
    }.get(shared, "")
    presenter = (
        f"{sw}, the allocated social worker, presented the report"
        if answers.get("social_worker_attendance") in ("attended", "attended_virtually", None)
        else f"The allocated social worker, {sw}, sent apologies; the chair summarised the report"
    )
    m["sw_report"] = (
        presenter
        + (f", {shared_text}. " if shared_text else ". ")
        + _fmt(WORRIES.get(issues[0], GENERIC_WORRY) if issues else GENERIC_WORRY, rng)
        + f" {sw} recommended that "
        + (
            "the plan continue."
            if conf_type == "review" and on_plan
            else "a child protection plan is needed."
            if on_plan
            else "support continue without a child protection plan."
        )
    )
    m["agency_contributions"] = {
        a["agency"]: _fmt(CONTRIBUTIONS.get(a["agency"], "The agency shared its involvement with the family."), rng)
        for a in agencies
        if a.get("attendance") in ("attended", "attended_virtually") or a.get("report") in ("on_time", "late")
    }
    m["parents_views"] = rng.choice(
        (
            "Mother said she understood why people were worried and wants help to keep the children safe. She does "
            "not agree that the children saw the incidents.",
            "Father felt the report was one-sided and that professionals had not listened to him, but agreed to "
            "work with the plan for the children's sake.",
            "The parents said things have been better since the last conference and asked for the plan to end.",
        )
    )
    child0 = children[0] if children else {}
    route = child0.get("views_route")
    route_text = {
        "in_person": "The young person attended and told the conference in their own words what life at home is "
        "like and what they want to change.",
        "advocate": "The young person's advocate shared their views: they want to stay at home and for the "
        "arguments to stop.",
        "social_worker": "The social worker shared the children's views: they feel safe with their mum, and get "
        "scared when the adults argue.",
        "written_or_recorded": "The child drew three houses with the social worker, shared with the conference: "
        "her worries (shouting at night), her good things (her nan, her dog) and her dreams (everyone happy at home).",
        "other_professional": "The child's teacher shared what the child has said at school about home.",
        "not_conveyed": "The child's views were not available to this conference; the social worker will see the "
        "child alone before the core group.",
    }
    if route in route_text and not child0.get("unborn"):
        m["childs_views"] = route_text[route]
    elif child0.get("unborn") or child0.get("participation") == "pn0":
        m["childs_views"] = (
            "The baby is too young to share views. The social worker described what daily life is like for the "
            "baby: who looks after them, their routines and how they respond to their carers."
        )
    else:
        m["childs_views"] = rng.choice(
            (
                "The child met the chair before the conference and drew her three houses: her worries (shouting at "
                "night), her good things (her nan, her dog) and her dreams (everyone being happy at home).",
                "The young person wrote a letter to the conference, read out by his advocate: he wants to stay at "
                "home and for his dad to stop drinking.",
                "The children told their social worker they feel safe with their mum, and that they get scared when "
                "the adults argue.",
            )
        )
    worries = [_fmt(WORRIES[i], rng) for i in issues if i in WORRIES][:3] or [GENERIC_WORRY]
    m["worries"] = "\n\n".join(worries)
    m["working_well"] = "\n".join(rng.sample(WORKING_WELL, 3))
    m["needs_to_happen"] = "\n".join(rng.sample(NEEDS, 2))
    participants = ["Mother", "Social worker"] + [q.label("agency", a["agency"]) for a in agencies[:3]]
    base = 6 if conf_type == "review" and not on_plan else 3
    m["scaling"] = [{"who": p, "score": min(10, max(0, base + rng.randint(-1, 3)))} for p in participants]

    if on_plan:
        cats = sorted({q.label("category", c.get("category")).lower() for c in on_plan if c.get("category")})
        m["decision_reasons"] = (
            f"All the professionals agreed that {who} {'remain' if conf_type == 'review' else 'are'} likely to "
            f"suffer significant harm, under the category of {' and '.join(cats) or 'neglect'}. The worries above "
            "have not yet reduced enough, and the strengths are not yet enough to keep the children safe without a "
            "plan."
        )
        rows = rng.sample(PLAN_ROWS, 4)
        m["plan"] = [
            {
                "outcome": o,
                "action": a,
                "who": w,
                "by_when": dates.format_uk(dates.add_working_days(conf_date, days)),
            }
            for o, a, w, days in rows
        ]
        m["contingency"] = (
            "If there is a further incident of domestic abuse, or the parents do not keep to the plan, the "
            "social worker will convene a strategy discussion and legal advice will be sought about the "
            "children's safety, including the Public Law Outline."
        )
        members = [f"{sw} (social worker, lead)"] + [
            f"{a.get('name') or 'Parent'} ({q.label('relationship', a.get('relationship')).lower()})"
            for a in adults
            if a.get("invited")
        ]
        members += [q.label("agency", a["agency"]) for a in agencies][:4]
        m["core_group_members"] = "\n".join(members)
        m["first_core_group"] = dates.add_working_days(conf_date, rng.randint(5, 10)).isoformat()
        role = q.label("lead_practitioner_role", answers.get("lead_practitioner_role")) or "Social worker"
        agency = (
            q.label("lead_practitioner_agency", answers.get("lead_practitioner_agency")) or "Children's social care"
        )
        m["lead_practitioner"] = f"{sw} ({role.lower()}), {agency} (lead statutory body)"
    else:
        m["decision_reasons"] = (
            f"The conference agreed that {who} {'are no longer' if conf_type == 'review' else 'are not'} likely to "
            "suffer significant harm. The family have made real changes and the worries can be met through support "
            "without a child protection plan."
        )
        m["contingency"] = "If the worries return, any agency should contact the social worker or the front door."
        m["lead_practitioner"] = f"{sw}, Children's Social Care"
    dissent = (answers.get("quality") or {}).get("dissent")
    if dissent in ("parental", "both"):
        m["dissent_detail"] = (
            "Father disagreed with the decision and the category. The chair explained the complaints procedure "
            "and the parents' right to challenge the decision."
        )
    if dissent in ("professional", "both"):
        who_dissented = [q.label("csc_or_agency", a) for a in answers.get("dissent_agencies") or []]
        escalated = any(e.get("from_dissent") for e in answers.get("escalations") or [])
        m["dissent_detail"] += (
            (" " if m["dissent_detail"] else "")
            + f"{' and '.join(who_dissented) or 'An agency'} disagreed with the decision; the chair recorded this"
            + ("; it is being followed up under the escalation procedure." if escalated else ".")
        )
    if answers.get("adjourned"):
        reason = q.label("adjournment_reason", answers.get("adjournment_reason")).lower()
        again = dates.format_long(dates.parse_iso(answers.get("reconvene_date")))
        m["decision_reasons"] = (
            f"The conference was adjourned ({reason}) and will reconvene on {again}; no decision was made today."
        )
    m["distribution"] = "\n".join(
        ["Parents", f"{sw}, social worker", "Team manager"]
        + [q.label("agency", a["agency"]) for a in agencies]
        + ["Conference file"]
    )
    return m


STREETS = ("Acacia Avenue", "Mill Lane", "Station Road", "Chapel Street", "Victoria Terrace", "Orchard Close")
TOWNS = ("Anytown", "Riverside", "Hillbrook")
TEAM_MANAGERS = ("Claire Douglas", "Imran Shah", "Fiona Walsh", "Gareth Jones")
PROFESSIONALS = {
    "police": ("DC Mark Ellis", "Detective constable"),
    "health_visitor": ("Lucy Grant", "Health visitor"),
    "school_nurse": ("Karen Doyle", "School nurse"),
    "gp": ("Dr Anil Mehta", "GP"),
    "midwife": ("Rachel Moss", "Community midwife"),
    "paediatrician": ("Dr Sofia Reyes", "Consultant paediatrician"),
    "school": ("Gemma Price", "Designated safeguarding lead"),
    "early_years": ("Nadia Hussain", "Nursery manager"),
    "adult_mental_health": ("Tom Barker", "Care coordinator"),
    "camhs": ("Dr Ellen Ward", "Clinical psychologist"),
    "substance_misuse": ("Jo Kerr", "Recovery worker"),
    "domestic_abuse_service": ("Sam Hale", "IDVA"),
    "probation": ("Paul Evans", "Probation officer"),
    "youth_justice": ("Chris Mason", "YJS case manager"),
    "housing": ("Linda Shaw", "Housing officer"),
    "early_help": ("Becky Lane", "Family support worker"),
    "other_la": ("Martin Cole", "Social worker, previous authority"),
}
NETWORK_PASSAGE = "Maternal grandmother lives locally and is in regular contact."


def _adult_label(adult: dict[str, Any]) -> str:
    q = load()
    relationship = q.label("relationship", adult.get("relationship"))
    name = (adult.get("name") or "").strip()
    return f"{name} ({relationship})" if name and relationship else (name or relationship or "Unnamed adult")


def demo_local(answers: dict[str, Any], minutes: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The minutes' local record a chair would keep for this conference: the professionals present, the social
    worker and team manager, local facts (address, dates of birth, a booked review) and, where the case calls for
    it, restrictions: the family's address and the grandmother's whereabouts withheld from a father where there
    is domestic abuse, a not-invited parent's reason withheld from the family, and separate parts for parents
    who attended a split conference. Fictional, like everything in the demo."""
    q = load()
    conf_date = dates.parse_iso(answers.get("conference_date"))
    conf_type = answers.get("conference_type")
    sw = (minutes.get("lead_practitioner") or "").split(",")[0] or rng.choice(SOCIAL_WORKERS)
    manager = rng.choice(TEAM_MANAGERS)
    facts: dict[str, Any] = {
        "address": f"{rng.randint(2, 140)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
        "social_worker": sw,
        "team_manager": manager,
        "s47_outcome": "",
        "review_date": "",
        "review_time": "",
        "review_venue": "",
        "children": [],
    }
    if conf_type in q.group("strategy_required_types"):
        on_plan = any(c.get("decision") in q.group("plan_decisions") for c in answers.get("children") or [])
        facts["s47_outcome"] = "significant_harm" if on_plan else "substantiated_not_significant"
    for child in answers.get("children") or []:
        if child.get("unborn"):
            facts["children"].append({"dob": "", "edd": dates.add_months(conf_date, rng.randint(1, 4)).isoformat()})
        else:
            years = child.get("age_years") or 0
            born = dates.add_months(conf_date, -(12 * years + rng.randint(1, 11)))
            facts["children"].append({"dob": born.isoformat(), "edd": ""})
    from cpchair.services.conferences import review_due

    due = review_due(answers)
    if due is not None:
        booked = due
        while not dates.is_working_day(booked) or (due - booked).days < 3:
            booked = booked.fromordinal(booked.toordinal() - 1)
        facts.update(
            review_date=booked.isoformat(),
            review_time=rng.choice(("10:00", "13:30", "14:00")),
            review_venue=minutes.get("venue") or rng.choice(VENUES),
        )
    attendees = [
        {"name": sw, "role": "Social worker", "agency": "csc", "attendance": "attended"},
        {"name": manager, "role": "Team manager", "agency": "csc", "attendance": rng.choice(("attended", "apologies"))},
    ]
    for agency in answers.get("agencies") or []:
        code = agency.get("agency")
        if not agency.get("invited") or code not in PROFESSIONALS:
            continue
        attendance = agency.get("attendance")
        if attendance in ("attended", "attended_virtually", "apologies"):
            name, role = PROFESSIONALS[code]
            attendees.append({"name": name, "role": role, "agency": code, "attendance": attendance})
    adults = answers.get("adults") or []
    restrictions: list[dict[str, Any]] = []
    split: list[dict[str, Any]] = []
    males = q.group("male_relationships")
    if "domestic_abuse" in (answers.get("issues") or []):
        for i, adult in enumerate(adults, 1):
            if adult.get("relationship") in males:
                who, names = [f"adult:{i}"], {f"adult:{i}": _adult_label(adult)}
                restrictions.append({"ref": "address", "passage": "", "from": who, "names": names})
                if NETWORK_PASSAGE in (minutes.get("household") or ""):
                    restrictions.append(
                        {"ref": "text:household", "passage": NETWORK_PASSAGE, "from": who, "names": names}
                    )
    for i, adult in enumerate(adults, 1):
        if adult.get("attendance") == "not_invited" and adult.get("not_invited_reason") == "mother_unwilling":
            restrictions.append({"ref": f"adult:{i}:reason", "passage": "", "from": ["family"], "names": {}})
    separate = [(i, a) for i, a in enumerate(adults, 1) if a.get("attendance") == "attended_separately"]
    for n, (i, adult) in enumerate(separate, 1):
        label = _adult_label(adult)
        split.append(
            {
                "title": f"Part {n}: with {(adult.get('name') or 'a parent').split()[0]}",
                "attended": [f"adult:{i}"],
                "names": {f"adult:{i}": label},
                "sections": [],
                "text": f"{label} attended this part of the conference separately, with a supporter. The chair "
                "went through the worries, what is working well and the plan, and heard their views: "
                + rng.choice(
                    (
                        "they accepted the worries about the children seeing arguments and want to keep to the plan.",
                        "they do not agree with all of the report but will work with the social worker.",
                        "they asked for more contact with the children and were told how to raise it at core group.",
                    )
                ),
            }
        )
    child_names = [c.get("name") for c in answers.get("children") or [] if c.get("name")]
    letter = ""
    if child_names:
        letter = (
            "Thank you for telling your social worker what you think. Everyone at the meeting heard what you said, "
            "and it helped us decide what to do."
        )
    return {
        "facts": facts,
        "attendees": attendees,
        "restrictions": restrictions,
        "split": split,
        "child_letter": letter,
    }
