"""Screening every new post on arrival: safeguarding signals, abusive language, and the
naming of individuals.

Tuned for recall on safeguarding (a missed cry for help is far worse than a facilitator
reading one harmless post), with hard negatives in mind: "dying for a coffee", "Ward 7",
"Car Park B". Measured against tests/data/screening_posts.jsonl by
tests/moderation/test_screening_quality.py. The abusive-language list is data, kept in the
``screening_terms`` table and edited through the API; the staff list is matched inside the
identity domain, which answers only yes or no.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour import identity
from candour.core.errors import NotFound
from candour.core.settings import Settings
from candour.queue.models import ScreeningTerm, TargetKind
from candour.queue.service import enqueue


@dataclass(frozen=True)
class Hit:
    category: str  # safeguarding | abusive | personal
    detail: str


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PERSON = (
    r"him|her|them|someone|somebody|anyone|myself|themselves|himself|herself|"
    r"(?:a|the|my|our|that|this)\s+(?:patient|resident|colleague|nurse|doctor|manager|boss|"
    r"child|kid|baby|wife|husband|partner|relative|visitor|student|porter|hca|staff\s+member)s?|"
    r"patients|colleagues|staff|people|the\s+kids"
)
SAFEGUARDING = _any(
    # risk to self
    r"\bsuicid(?:e|al)\b(?!\s+prevention)",
    r"\b(?:kill|killing|end|ending|take|taking|hurt|hurting|harm|harming|cut|cutting)\s+"
    r"(?:myself|my\s+(?:own\s+)?life|herself|himself|themselves)",
    r"\bself[-\s]?harm(?:ing|ed)?\b(?!\s+(?:liaison|service|team|training|policy|pathway|patients?))",
    r"\b(?:never|not)\s+(?:wake|waking)\s+up\b",
    r"\b(?:overdos\w*|ending\s+it|killing\s+myself|suicide|jumping|driving\s+into)\b.{0,40}"
    r"\b(?:crossed\s+my\s+mind|on\s+my\s+mind|thought\s+about|thinking\s+about)",
    r"\b(?:think|thought|thinking|wonder(?:ed|ing)?)\s+about\s+(?:overdos\w*|ending\s+it|"
    r"taking\s+(?:all\s+)?(?:my|the|them)|just\s+driving\s+into|jumping|not\s+being\s+here)",
    r"\btaking\s+all\s+(?:my|the|of\s+my)\s+(?:tablets|pills|meds|medication)",
    r"\b(?:anyone|anybody)\s+would\s+(?:even\s+)?(?:miss|notice)\s+(?:me|if\s+i)\b",
    r"\b(?:nobody|no\s+one|no-one)\s+would\s+(?:even\s+)?(?:miss|notice)\s+(?:me|if\s+i)\b",
    r"\b(?:want|wanted|wanting)\s+to\s+(?:die|disappear|not\s+exist)",
    r"\b(?:don'?t|do\s+not|didn'?t)\s+want\s+to\s+(?:be\s+here|wake\s+up|live|go\s+on|exist)",
    r"\bbetter\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:wasn'?t|was\s+not|weren'?t)\s+(?:here|around))",
    r"\b(?:can'?t|cannot|can\s+not)\s+(?:go\s+on|cope|carry\s+on|keep\s+going|do\s+this\s+any\s*more)",
    r"\bno\s+(?:point|reason)\s+(?:in\s+)?(?:living|going\s+on|carrying\s+on|being\s+here|to\s+live)",
    r"\bno\s+point\s+any\s*more\b",
    r"\b(?:end|ending)\s+it\s+all\b",
    r"\bend\s+it\b(?!\s+(?:now|early|there|at))",
    r"\b(?:overdose|od)\s+on\b|\bstockpil\w*\s+(?:my\s+)?(?:tablets|pills|meds)",
    r"\bnot\s+(?:be|being)\s+(?:here|around)\s+(?:any\s*more|for\s+much\s+longer)",
    r"\b(?:give|given|giving)\s+up\s+on\s+(?:life|everything|living)",
    r"\bnothing\s+to\s+live\s+for\b|\bgoodbye\s+note\b|\bsay(?:ing)?\s+goodbye\s+to\s+everyone\b",
    # risk to others and abuse
    rf"\b(?:kill|hurt|harm|punch|hit|stab|smash|batter|strangle|slap|kick)\s+(?:{_PERSON})\b",
    rf"\b(?:hit|punched|kicked|slapped|assaulted|attacked|strangled|grabbed|pushed|shoved|bit|"
    rf"spat\s+at|threw\s+\w+\s+at|locked)\s+(?:me|{_PERSON})\b",
    r"\b(?:got|get|been|was|were|being|keep\s+getting)\s+(?:punched|hit|assaulted|attacked|kicked|"
    r"slapped|spat\s+at|strangled|threatened|groped|touched\s+up|beaten)\b",
    r"\b(?:make|made)\s+(?:him|her|them|you|everyone)\s+pay\b",
    r"\b(?:hits|beats|kicks|slaps|punches|chokes|pushes|grabs|hurts|threatens)\s+(?:me|my\s+\w+)\b",
    r"\b(?:smash|punch|kick|break|bash|knock)\s+(?:his|her|their|your)\s+(?:face|head|teeth|legs?)",
    r"\bwait(?:ing)?\s+for\s+(?:him|her|them)\s+(?:outside|after)",
    r"\bfollow(?:ed|s|ing)?\s+me\s+(?:home|to\s+my\s+car|out|around)",
    r"\b(?:going\s+to|gonna|will)\s+['\"\u2018]?sort\s+(?:him|her|them|out)",
    r"\bthreaten(?:ed|ing|s)?\s+(?:to|me|him|her|them|us|staff|a\s+colleague)\b",
    r"\b(?:afraid|scared|frightened|terrified)\s+(?:to\s+go\s+home|of\s+(?:him|her|my\s+\w+)|"
    r"for\s+(?:my|her|his|their)\s+(?:life|safety)|of\s+being\s+(?:on\s+shift|alone)\s+with)",
    r"\bfear\s+for\s+(?:my|her|his|their|our)\s+(?:life|safety)",
    r"\bdomestic\s+(?:abuse|violence)\b|\b(?:abusing|abused|abuses)\s+(?:a\s+|the\s+)?"
    r"(?:patient|resident|child|me|her|him|them)",
    r"\b(?:neglect(?:ed|ing)?)\s+(?:a\s+|the\s+)?(?:patient|resident|child)",
    r"\block(?:ed|ing)?\s+(?:him|her|them|a\s+patient|patients|the\s+patient)\s+in\b",
    r"\bbring\s+a\s+(?:knife|weapon|gun)\b|\b(?:knife|weapon|gun)\s+(?:to|into)\s+work\b",
)

# Everyday idioms and clinical phrases that use the same words harmlessly; taken out of
# the text before the broad signals below are looked for.
_HARMLESS = _any(
    r"\bdying\s+(?:for|to)\b",
    r"\b(?:is|are|was|were)\s+killing\s+(?:me|us)\b",
    r"\bdead\s+on\s+(?:my|our)\s+feet\b",
    r"\b(?:the\s+)?death\s+of\s+(?:me|us)\b",
    r"\b(?:battery|phone|laptop|printer|computer|pc|it)\s+(?:dies|died|is\s+dead|was\s+dead)\b",
    r"\bkill\s+(?:the|that|this)\s+(?:printer|computer|pc|machine|phone|laptop|system|rota|idea)\b",
    r"\b(?:suicide|self[-\s]?harm|overdose)[-\s]+(?:prevention|liaison|risk|awareness|training|"
    r"service|team|policy|pathway|assessment|patients?)\b",
    r"\bpatients?\s+(?:who|that)\s+(?:self[-\s]?harm|overdose)",
    r"\bbreak\s+(?:times?|room|rota)\b",
    r"\bviolence\s+and\s+aggression\s+(?:training|policy|team|course)\b",
    r"\b(?:a|after\s+a|expected)\s+death\s+on\s+the\s+(?:ward|unit)\b",
)
# Broad signals: any of these, outside the harmless uses above, asks a facilitator to look.
_BROAD_SAFEGUARDING = _any(
    r"\b(?:suicid\w*|overdos\w*|self[-\s]?harm\w*|kill\s+myself|end\s+my\s+life|hang\s+myself)\b",
    r"\b(?:die|dying|dead)\b",
    r"\bpoint\s+(?:of|in)\s+(?:living|life|going\s+on)\b",
    r"\b(?:don'?t|do\s+not|can'?t|cannot)\s+see\s+the\s+point\b",
    r"\b(?:started\s+)?cutting\s+(?:again|myself)\b|\bstarted\s+cutting\b",
    r"\b(?:don'?t|do\s+not|never)\s+feel\s+safe\b",
    r"\bcontrols?\s+(?:all\s+)?(?:of\s+)?my\s+(?:money|phone|life|friends)\b|\bchecks?\s+my\s+phone\b",
    r"\b(?:drag(?:s|ged|ging)?|yank\w*|manhandl\w*|roughly)\b",
    r"\b(?:hopeless|worthless|a\s+burden|can'?t\s+cope|cannot\s+cope|falling\s+apart|breaking\s+point)\b",
    r"\b(?:tablets|pills)\b.{0,40}\b(?:all|save|saving|stockpil\w*|enough)\b",
    r"\b(?:all|save|saving|stockpil\w*|enough)\b.{0,40}\b(?:tablets|pills)\b",
    r"\b(?:assault\w*|attack(?:ed|ing|s)?|abus(?:e|ed|ing|ive\s+relationship)|violen(?:ce|t)|"
    r"harass\w*|stalk\w*|grop\w*|molest\w*|bruis\w*|strangl\w*|chok(?:e|ed|ing))\b",
    r"\b(?:threat(?:s|en\w*)?|intimidat\w*|in\s+danger)\b",
    r"\b(?:scared|afraid|frightened|terrified)\b",
    r"\b(?:knife|knives|weapon|gun)\b",
    r"\b(?:punch\w*|slap\w*|kick(?:ed|ing|s)?|hit(?:s|ting)?(?!\s+\d)|beat(?:s|en|ing)?\s+(?:me|him|her|them|up))\b",
    r"\b(?:restrain\w*|locked\s+in|neglect\w*|left\s+(?:him|her|them)\s+(?:in|on|for))\b",
    # warning signs of suicide that do not name it (NHS and Samaritans guidance)
    r"\bgiv(?:e|es|ing|en)\s+(?:\w+\s+){0,3}(?:stuff|things|belongings|possessions)\s+away\b",
    r"\bgiv(?:e|es|ing|en)\s+away\s+(?:my|all\s+my|all)\b",
    r"\b(?:letters?|notes?|will)\b.{0,60}\bjust\s+in\s+case\b",
    r"\b(?:affairs|things)\s+in\s+order\b|\b(?:pension|death\s+in\s+service|life\s+insurance)\s+"
    r"(?:nomination|form|payout|beneficiar\w*)",
    r"\bsa(?:y|ying|id|ys)\s+(?:my\s+)?goodbyes?\b|\bgoodbye\s+to\b",
    r"\b(?:think|thinking|thought|keep\s+\w+ing)\b.{0,40}\b(?:the\s+)?(?:bridge|railway|train\s+tracks?|"
    r"motorway|top\s+floor|multi-?storey|roof)\b",
    r"\b(?:saving|saved|stockpil\w*|collecting|hoarding)\s+(?:up\s+)?(?:my\s+)?(?:tablets|pills|meds|"
    r"medication|paracetamol|co-?codamol|insulin|oramorph|morphine)",
    r"\bhow\s+(?:many|much)\s+(?:paracetamol|tablets|pills|insulin|co-?codamol)\b",
    r"\b(?:won'?t|will\s+not|not)\s+(?:be\s+)?(?:here|around)\s+(?:much\s+longer|for\s+long|by|next)\b",
    r"\bc(?:a)?n'?t\s+(?:do\s+this|cope|go\s+on|carry\s+on)\s*(?:any\s*more|anymore|nemore|no\s+more)?\b",
    # threats, control and harassment
    r"\bknows?\s+where\s+(?:i|we)\s+live\b",
    r"\bwait(?:s|ed|ing)?\s+(?:for\s+me\s+)?(?:by|at|near|next\s+to)\s+my\s+car\b",
    r"\btwist(?:ed|ing|s)?\s+(?:my|her|his|their)\s+(?:arm|wrist|hand)\b",
    r"\btouch(?:ed|es|ing)?\s+(?:me|my|her|him)\b|\bsexual\w*\b",
    r"\b(?:comments?|remarks?)\s+about\s+my\s+(?:body|chest|boobs|bum|figure|legs|weight)\b",
    r"\b(?:i'?ll|i\s+will|gonna|going\s+to)\s+(?:deck|batter|do|get|have|sort)\s+(?:him|her|them|you)\b",
    r"\bdone\s+time\b|\bcontroll?(?:ing|s)\s+(?:me|my|her|him|everything)\b",
)
_TITLES = r"(?:Dr|Doctor|Sister|Matron|Nurse|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sr|Consultant)"
_NAME = r"(?:O'|Mc|Mac)?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
# Capitalised words that follow a title or role but are not names.
_NOT_NAMES = {
    "ward", "wards", "unit", "team", "the", "a", "an", "on", "in", "at", "and", "or", "of",
    "practitioner", "practitioners", "associate", "associates", "manager", "managers", "band",
    "bank", "agency", "who", "that", "is", "was", "has", "said", "says", "told", "nhs", "trust",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas",
    "estates", "pharmacy", "theatres", "theatre", "a&e", "ed", "itu", "icu", "hr", "it", "i",
    "nurses", "doctors", "staff", "consultants", "registrar", "sisters", "matrons",
}  # fmt: skip
_TITLED = re.compile(rf"\b{_TITLES}\.?\s+({_NAME})")
_ROLE_NAMED = re.compile(
    rf"\b(?:[Mm]anager|[Ss]upervisor|[Cc]onsultant|[Mm]atron|[Ss]ister|[Bb]oss|[Ll]ead|[Rr]egistrar|"
    rf"[Dd]irector|[Cc]olleague|[Cc]harge\s+[Nn]urse|[Bb]and\s+\d\w*|[Mm]idwife|HCA|[Pp]orter|"
    rf"[Ss]upervisor|[Cc]oordinator|[Dd]eputy)\s*(?:,\s*|\s+(?:is|was|called|named)\s+|\s+)({_NAME})\b"
)
_DATA = Path(__file__).parent / "data"


def _word_list(name: str) -> list[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


_FIRST_NAMES = set(_word_list("first_names.txt"))
DEFAULT_ABUSIVE_TERMS = _word_list("abusive_terms.txt")
_ROLES = (
    r"(?:nurse|doctor|consultant|registrar|manager|porter|cleaner|hca|midwife|sister|matron|"
    r"receptionist|supervisor|starter|physio|pharmacist|lead|guy|man|woman|lady|bloke|girl|lad|"
    r"student|secretary|coordinator|director|sho|fy[12]|band\s*\d\w*)"
)
# Descriptions that single one person out without naming them.
_SINGLED_OUT = re.compile(
    rf"\bthe\s+(?:only|one|head|new|old|senior|junior)\s+(?:\w+\s+){{0,2}}{_ROLES}\s+"
    rf"(?:who|that|with|on|in|at)\b|\b(?:tall|short|bald|blonde|ginger|older|young)\s+"
    rf"(?:guy|man|woman|lady|bloke|fella)\b|\bthe\s+(?:\w+\s+){{1,2}}(?:who|that)\s+(?:drives|wears|"
    rf"started|has\s+the|always)\b|\bthe\s+only\s+(?:male|female|man|woman)\b",
    re.IGNORECASE,
)
# A first name straight after a role, in any case: "my manager karen".
_ROLE_FIRST_NAME = re.compile(
    r"\b(?:manager|supervisor|consultant|matron|sister|boss|lead|registrar|director|colleague|"
    r"nurse|midwife|porter|coordinator|deputy)\s*,?\s+([a-z]+)\b",
    re.IGNORECASE,
)
# Capitalised words after which a first name is a place, not a person.
_PLACE_WORDS = {
    "building",
    "ward",
    "unit",
    "house",
    "centre",
    "center",
    "wing",
    "suite",
    "hospital",
    "road",
    "street",
    "room",
    "lodge",
}
_CAPITALISED_PAIR = re.compile(rf"\b([A-Z][a-z]+)\s+({_NAME})\b")
_CAPITALISED_WORD = re.compile(r"\b([A-Z][a-z]+)\b")


def _names_a_place(text: str, end: int) -> bool:
    """Is the name ending at ``end`` part of a building's or a ward's name?"""
    following = re.match(r"(?:\s+[A-Z][a-z]+)?\s+([A-Z][a-z]+)", text[end:])
    return following is not None and following.group(1).lower() in _PLACE_WORDS


def _names(text: str) -> list[str]:
    """Spans that look like a named person."""
    found = [m.group(0) for m in _TITLED.finditer(text) if m.group(1).lower() not in _NOT_NAMES]
    found += [
        m.group(0) for m in _ROLE_NAMED.finditer(text) if m.group(1).lower() not in _NOT_NAMES
    ]
    found += [
        m.group(0)
        for m in _CAPITALISED_PAIR.finditer(text)
        if m.group(1).lower() in _FIRST_NAMES
        and m.group(2).lower() not in _NOT_NAMES
        and not _names_a_place(text, m.end())
    ]
    found += [
        m.group(0) for m in _ROLE_FIRST_NAME.finditer(text) if m.group(1).lower() in _FIRST_NAMES
    ]
    found += [
        m.group(1)
        for m in _CAPITALISED_WORD.finditer(text)
        if m.group(1).lower() in _FIRST_NAMES and not _names_a_place(text, m.end())
    ]
    found += [m.group(0) for m in _SINGLED_OUT.finditer(text)]
    return found


def _term_pattern(term: str) -> re.Pattern[str]:
    """A term matches as a whole word (or phrase), also when some of its letters after the
    first are starred out: "fuck" finds "f**k", "f*ck" and "F***"."""
    words = []
    for word in term.lower().split():
        letters = [re.escape(word[0])] + [f"(?:{re.escape(c)}|\\*)" for c in word[1:]]
        words.append("".join(letters))
    return re.compile(r"(?<![\w*])" + r"\s+".join(words) + r"(?![\w*])", re.IGNORECASE)


def screen_text(text: str, abusive_terms: list[str]) -> list[Hit]:
    """The hits of one post, at most one per category."""
    hits = []
    plain = _HARMLESS.sub(" ", text)
    if match := SAFEGUARDING.search(plain) or _BROAD_SAFEGUARDING.search(plain):
        hits.append(Hit("safeguarding", f"mentions: \u201c{match.group(0)}\u201d"))
    for term in abusive_terms:
        if match := _term_pattern(term).search(text):
            hits.append(Hit("abusive", f"abusive language: \u201c{match.group(0)}\u201d"))
            break
    if names := _names(text):
        hits.append(Hit("personal", f"may name someone: \u201c{names[0]}\u201d"))
    return hits


async def abusive_terms(session: AsyncSession) -> list[str]:
    return list(
        (await session.scalars(select(ScreeningTerm.term).order_by(ScreeningTerm.term))).all()
    )


async def screen_post(
    session: AsyncSession,
    settings: Settings,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    text: str,
) -> list[Hit]:
    """Screen a new or edited post and queue it with every reason found."""
    hits = screen_text(text, await abusive_terms(session))
    if not any(h.category == "personal" for h in hits) and await identity.mentions_a_staff_name(
        session, text
    ):
        hits.append(Hit("personal", "matches a name on the staff list"))
    await enqueue(
        session,
        settings,
        conversation_id,
        kind,
        target_id,
        [{"source": "screening", "category": h.category, "detail": h.detail} for h in hits],
    )
    return hits


async def add_term(session: AsyncSession, term: str) -> list[str]:
    await session.execute(
        insert(ScreeningTerm).values(term=term.lower().strip()).on_conflict_do_nothing()
    )
    return await abusive_terms(session)


async def remove_term(session: AsyncSession, term: str) -> list[str]:
    removed = await session.execute(
        delete(ScreeningTerm)
        .where(ScreeningTerm.term == term.lower().strip())
        .returning(ScreeningTerm.term)
    )
    if removed.first() is None:
        raise NotFound("That term is not on the list.")
    return await abusive_terms(session)
