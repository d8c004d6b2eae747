"""Finding councillors named in a minute's text and matching them to the people at the meeting.

"Councillor Boles asked…" is C Boles if she is the only Boles present; "Councillor Fitzgerald" is E FitzGerald
(case does not matter); "Councillor Shahbaz Arif" is S Arif (a first name or initial narrows by initial);
"Councillor Arif" with A Arif and S Arif both present is ambiguous and is left unlinked with both names noted;
"Councillor Southworth", not in the attendance list, is left as printed. An officer's `SpeakerLink` for the meeting
overrides all of this. Names never run across a line break, honorifics ("Mrs", "Dr") and possessives ("Smith's")
are set aside, and words after the surname ("Cabinet Member", "MBE") are not taken for part of the name.
"""

import re
from dataclasses import dataclass

from committee.models import Person
from meetings.models import MinuteSpeaker

# A capitalised word on the same line, at most 30 characters, never "Councillor"/"Cllr" again.
_WORD = r"(?!(?:Councillors?|Cllr)\b)[A-Z][\w'’-]{0,29}"
_GAP = r"[^\S\n]+"
# "Councillor" or "Cllr", then perhaps an initial ("L." or "L"), then one to three capitalised words.
MENTION = re.compile(rf"\b(?:Councillor|Cllr\.?){_GAP}((?:[A-Z]\.?{_GAP})?{_WORD}(?:{_GAP}{_WORD}){{0,2}})")
# "Councillors Smith and Jones", "Councillors Boles, Berry and Haroon": surnames only.
MENTIONS = re.compile(rf"\bCouncillors{_GAP}({_WORD}(?:,{_GAP}{_WORD})*{_GAP}and{_GAP}{_WORD})")
# Asking, not being asked ("was asked to provide…").
QUESTION = re.compile(r"(?<!was )(?<!were )\b(?:ask(?:ed|s)?|quer(?:y|ied)|enquired|sought)\b|\?", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "cllr"}
# Words that follow a name without being part of it.
NOT_NAMES = {
    *("cabinet", "member", "members", "chair", "chairman", "vice", "deputy", "leader", "lead", "portfolio", "holder"),
    *("executive", "director", "head", "officer", "mayor", "spokesperson", "champion", "the", "and", "said", "asked"),
}


@dataclass
class Found:
    as_minuted: str
    person: Person | None
    match: str
    candidates: str
    asked: bool


def _clean(words: list[str]) -> list[str]:
    """Drop honorifics in front and possessives; stop at the first word that is a role or post-nominal, not a name."""
    words = [w.rstrip(".").removesuffix("'s").removesuffix("’s") for w in words]
    while words and words[0].casefold() in HONORIFICS:
        words = words[1:]
    kept = []
    for word in words:
        if kept and (word.casefold() in NOT_NAMES or (len(word) > 1 and word.isupper())):
            break
        kept.append(word)
    return kept


def mentions(text: str) -> list[tuple[list[str], bool]]:
    """(the name's words, asked a question in that sentence) for each councillor named in `text`, in order."""
    text = text or ""
    found = []
    for pattern, plural in ((MENTION, False), (MENTIONS, True)):
        for m in pattern.finditer(text):
            if _in_apologies(text, m.start()):
                continue  # "Apologies for absence were received from Councillor Farooq": absent, not speaking
            end = SENTENCE_END.search(text, m.end())
            asked = bool(QUESTION.search(text[m.end() : end.end() if end else len(text)]))
            if plural:
                names = [[w] for w in re.split(rf",{_GAP}|{_GAP}and{_GAP}", m.group(1))]
            else:
                names = [m.group(1).split()]
            found += [(m.start(), words, asked) for words in map(_clean, names) if words]
    return [(words, asked) for _, words, asked in sorted(found, key=lambda f: f[0])]


APOLOGIES = re.compile(r"\bapolog(?:y|ies|ised|ized)\b", re.IGNORECASE)


def _in_apologies(text: str, at: int) -> bool:
    """Whether the sentence holding position `at` records apologies (those named in it were not there)."""
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, at)]
    start = starts[-1] if starts else 0
    end = SENTENCE_END.search(text, at)
    return bool(APOLOGIES.search(text[start : end.end() if end else len(text)]))


def _names(person: Person) -> tuple[str, str]:
    """(first name or initial, surname), lower case, from "C Boles" / "Ayesha Arif"."""
    words = (person.full_name or person.name).split()
    surname = person.name.split()[-1] if person.name else words[-1]
    return (words[0].casefold() if len(words) > 1 else ""), surname.casefold()


def candidates(surname: str, people: list[Person], given: str = "") -> list[Person]:
    """The people present whom a surname (and perhaps a first name or initial) could mean."""
    surname, given = surname.casefold(), given.casefold()
    matches = []
    for person in people:
        first, last = _names(person)
        if last != surname:
            continue
        if given and first and not (first == given or given[0] == first[0] and (len(given) == 1 or len(first) == 1)):
            continue
        matches.append(person)
    return matches


def _read(words: list[str], people: list[Person]) -> tuple[str, list[Person]]:
    """The name as printed, and who it could be: a first name and surname if that fits someone present, else the
    first word as a surname, else the words as printed (a name not in the attendance list)."""
    if len(words) >= 2 and (possible := candidates(words[1], people, given=words[0])):
        return " ".join(words[:2]), possible
    if possible := candidates(words[0], people):
        return words[0], possible
    printed = words[:2]  # nobody present fits: as printed, "Shahbaz Arif" or "Southworth"
    return " ".join(printed), []


def find(text: str, people: list[Person], links: dict[str, Person]) -> list[Found]:
    """One entry per distinct speaker in `text`: linked by an officer, linked by a unique match, ambiguous or not listed."""
    by_name: dict[str, Found] = {}
    for words, asked in mentions(text):
        name, possible = _read(words, people)
        as_minuted = f"Councillor {name}"[:120]
        if as_minuted in by_name:
            by_name[as_minuted].asked |= asked
            continue
        if as_minuted in links:
            found = Found(as_minuted, links[as_minuted], MinuteSpeaker.Match.CHOSEN, "", asked)
        elif len(possible) == 1:
            found = Found(as_minuted, possible[0], MinuteSpeaker.Match.LINKED, "", asked)
        elif possible:
            names = " or ".join(sorted(p.name for p in possible))[:300]
            found = Found(as_minuted, None, MinuteSpeaker.Match.AMBIGUOUS, names, asked)
        else:
            found = Found(as_minuted, None, MinuteSpeaker.Match.NOT_LISTED, "", asked)
        by_name[as_minuted] = found
    # "Councillor L. Smith" and "Councillor Smith" in one minute are one speaker.
    by_person: dict[int, Found] = {}
    result = []
    for found in by_name.values():
        if found.person is not None and found.person.pk in by_person:
            by_person[found.person.pk].asked |= found.asked
            continue
        if found.person is not None:
            by_person[found.person.pk] = found
        result.append(found)
    return result
