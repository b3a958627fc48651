"""The two letters a chair sends after a conference, written from the record in plain words.

- To the child or young person: what was decided and what happens next, in words for their age (under 8,
  8 to 12, 13 and over), with the chair's own words to them. Drawn from the young person's copy of the minutes,
  so nothing withheld from them can reach the letter.
- To the parents and carers: the decision letter, dated the working day after the conference (bank holidays
  counted), drawn from the copy every addressed parent may see.

Why here and not in the renderer: the words are decided by rules (age, decision, plan or not), which are
tested as text; ``reports.letters_pdf`` only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import NotFound
from cpchair.services import minutes as minutes_service
from cpchair.services import minutes_record
from cpchair.services import minutes_versions as mv
from cpchair.services.minutes import ChildLine, MinutesDocument

CHILD = "child"
LETTER_MIN_AGE = 4  # a younger child is told by the adults around them; a letter is read to a child from 4
PARENTS = "parents"


@dataclass(frozen=True)
class Letter:
    kind: str
    doc: MinutesDocument  # the filtered copy the letter was written from (for the furniture and the tests)
    dated: date | None
    to: str
    subject: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]

    @property
    def suggested_filename(self) -> str:
        when = self.doc.conference_date.isoformat() if self.doc.conference_date else "undated"
        return f"letter-{self.kind}-{when}-{self.doc.conference_id[:8]}.pdf"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _outcome(children: list[ChildLine]) -> str:
    """started | continues | ended | none: what happened to the plan, for the children written to."""
    q = load()
    codes = {c.decision_code for c in children}
    if codes & {"plan_started"}:
        return "started"
    if codes & {"plan_continues"}:
        return "continues"
    if codes & set(q.codes["decision_review"]):
        return "ended"
    return "none"


def _review_words(doc: MinutesDocument) -> str:
    if doc.review_booked:
        when = dates.format_long(doc.review_booked)
        return when + (f" at {doc.review_time}" if doc.review_time else "")
    return f"by {dates.format_long(doc.review_due)}" if doc.review_due else ""


def child_letter(doc: MinutesDocument, words: str, chair: str) -> Letter:
    """The letter to the young person, from their copy of the minutes (``doc``) and the chair's ``words``."""
    born = [c for c in doc.children if not c.unborn]
    if not born:
        raise NotFound("There is no child to write to: this conference was about an unborn baby.")
    children = [c for c in born if c.age_years is None or c.age_years >= LETTER_MIN_AGE]
    if not children:
        raise NotFound(
            f"The children are under {LETTER_MIN_AGE}, too young for a letter of their own: explain the decision to "
            "them through their parents or social worker."
        )
    names = [_first_name(c.name) for c in children]
    ages = [c.age_years for c in children if c.age_years is not None]
    age = min(ages) if ages else 10
    outcome = _outcome(children)
    when = dates.format_long(doc.conference_date)
    sw = _first_name(doc.social_worker) if doc.social_worker else "your social worker"
    sw_full = doc.social_worker or "your social worker"
    review = _review_words(doc)
    you = "you" if len(children) == 1 else "you all"
    paras: list[str] = []
    if age < 8:
        paras.append(f"My name is {chair}. On {when} I was in charge of a meeting about {you} and your family.")
        paras.append(
            "Grown-ups who help your family came to the meeting. We talked about how to keep you safe and happy."
        )
        paras.append(
            {
                "started": "We decided that the grown-ups will work together with your family to keep you safe. "
                "This is called a plan.",
                "continues": "We decided that the grown-ups will keep working together with your family to keep you "
                "safe, because there is still more to do.",
                "ended": "We decided that things are better at home, so the plan can stop.",
                "none": "We decided that your family does not need a plan, but some grown-ups will still help.",
            }[outcome]
        )
        if outcome in ("started", "continues"):
            paras.append(f"{sw} will come to see {you} and talk with {you}.")
            if review:
                paras.append(f"The grown-ups will meet again on {review} to see how things are going.")
        paras.append(f"If you are worried about anything, you can tell {sw} or a grown-up you trust.")
    elif age < 13:
        paras.append(
            f"I am {chair}. I chaired the meeting about {you} and your family on {when}. I am writing to tell "
            f"{you} what we decided and what happens next."
        )
        paras.append(
            {
                "started": "We decided that there should be a child protection plan. This means that your family "
                "and the people who work with them will do the things written in the plan, to keep you safe.",
                "continues": "We decided that the child protection plan should carry on, because some of the worries "
                "have not gone away yet.",
                "ended": "We decided that the child protection plan can end, because things have got better.",
                "none": "We decided that a child protection plan is not needed. Some people will still help your "
                "family.",
            }[outcome]
        )
        if outcome in ("started", "continues"):
            paras.append(
                f"{sw} will visit {you} and will make sure your views are heard."
                + (f" We will meet again on {review} to check how things are going." if review else "")
            )
        paras.append(f"If you want to tell us what you think, or you are worried, talk to {sw} or a teacher you trust.")
    else:
        paras.append(
            f"I chaired the child protection conference about you and your family on {when}. I am writing to let "
            "you know what was decided and what happens next."
        )
        category = next((c.category.lower() for c in children if c.category and c.on_plan), "")
        paras.append(
            {
                "started": "The conference decided that you need a child protection plan"
                + (f", under the category of {category}" if category else "")
                + ". The plan sets out what your family and the professionals will do to keep you safe.",
                "continues": "The conference decided that your child protection plan should continue"
                + (f" (category: {category})" if category else "")
                + ", because some of the worries are still there.",
                "ended": "The conference decided that your child protection plan can end, because the worries have "
                "reduced enough.",
                "none": "The conference decided that a child protection plan is not needed. You and your family may "
                "still get support.",
            }[outcome]
        )
        if outcome in ("started", "continues"):
            paras.append(
                f"Your social worker, {sw_full}, will keep seeing you and will share your views with the core group."
                + (
                    f" The next review conference is {review}; you can come, or tell us your views another way."
                    if review
                    else ""
                )
            )
        paras.append(
            f"If you disagree with anything, or want an advocate to help you have your say, tell {sw} or contact the "
            "children's rights service."
        )
    if words.strip():
        paras.append(words.strip())
    return Letter(
        kind=CHILD,
        doc=doc,
        dated=dates.add_working_days(doc.conference_date, 1) if doc.conference_date else None,
        to=f"Dear {_join(names)},",
        subject="",
        paragraphs=tuple(paras),
        closing="With best wishes,",
        signature=(doc.chair or chair, "Chair of your conference"),
    )


def parents_letter(doc: MinutesDocument, names: list[str]) -> Letter:
    """The decision letter to the parents and carers ``names``, from the copy they may all see (``doc``)."""
    q = load()
    when = dates.format_long(doc.conference_date)
    children = _join([c.name for c in doc.children]) if doc.children else "your children"
    paras: list[str] = [
        f"I chaired the {doc.type_label.split(' (')[0].lower()} held on {when} about {children}. I am writing, as "
        "promised, to confirm the decision the conference made."
    ]
    for c in doc.children:
        line = f"{c.name}: {c.decision or 'decision not recorded'}"
        if c.on_plan and c.category:
            line += f", under the category of {c.category.lower()}"
        paras.append(line + ".")
    if doc.decision_reasons.strip():
        paras.append("The reasons for the decision: " + " ".join(doc.decision_reasons.split()))
    if doc.any_plan:
        if doc.lead_practitioner:
            paras.append(f"The lead social worker is {doc.lead_practitioner}.")
        if doc.first_core_group:
            paras.append(
                f"The first core group meeting, where you and the professionals will agree the detailed plan, "
                f"will be held by {dates.format_long(doc.first_core_group)}."
            )
        review = _review_words(doc)
        if review:
            venue = f" at {doc.review_venue}" if doc.review_venue and doc.review_booked else ""
            paras.append(f"The review conference will be held {'on ' if doc.review_booked else ''}{review}{venue}.")
    paras.append(
        "You will receive the minutes of the conference within 15 working days. If you disagree with the decision, "
        "please tell your social worker or contact me; you can also use the complaints procedure for child "
        "protection conferences."
    )
    if q.label("dissent", "parental") == doc.dissent or doc.dissent == q.label("dissent", "both"):
        paras.append("Your disagreement with the decision was recorded in the minutes.")
    return Letter(
        kind=PARENTS,
        doc=doc,
        dated=dates.add_working_days(doc.conference_date, 1) if doc.conference_date else None,
        to=f"Dear {_join(names)}," if names else "Dear parent or carer,",
        subject=f"Child protection conference for {children}, {when}",
        paragraphs=tuple(paras),
        closing="Yours sincerely,",
        signature=(doc.chair, "Independent chair, child protection conferences"),
    )


def letter_for(session: Session, conference_id: str, to: str, version: str | None = None) -> Letter:
    """The letter ``to`` ("child" or "parents") for a stored conference (see ``letter_from``)."""
    full = minutes_service.document_for(session, conference_id)
    return letter_from(full, minutes_record.get(session, conference_id).data, to, version)


def letter_from(full: MinutesDocument, local: dict, to: str, version: str | None = None) -> Letter:
    """The letter ``to`` ("child" or "parents") from the professionals' document and the local record.
    ``version`` names one parent's copy (``parent-2``) to address that parent alone; without it the parents'
    letter goes to every parent or carer who was invited, leaving out everything withheld from any of them."""
    if to == CHILD:
        doc, _ = mv.for_version(full, local, mv.YOUNG) if any(not c.unborn for c in full.children) else (full, [])
        return child_letter(doc, local.get("child_letter") or "", full.chair)
    if to != PARENTS:
        raise NotFound(f"There is no letter to {to!r}: choose child or parents.")
    versions = {v.code: v for v in mv.versions_of(full)}
    if version:
        if version not in versions or not version.startswith("parent-"):
            known = ", ".join(c for c in versions if c.startswith("parent-"))
            raise NotFound(f"There is no parent's version {version!r}. The parents' versions are: {known}.")
        chosen = [versions[version]]
    else:
        not_invited = load().label("adult_attendance", "not_invited")
        chosen = [versions[f"parent-{i}"] for i, a in enumerate(full.adults, 1) if a.attendance != not_invited]
    recipients = [v.recipient for v in chosen if v.recipient]
    adults = [full.adults[int(r.split(":")[1]) - 1] for r in recipients]
    names = [a.name or a.relationship for a in adults]
    doc, _ = mv.for_recipients(full, local, recipients, version or "parents", ", ".join(v.for_whom for v in chosen))
    return parents_letter(doc, names)
