"""Finding councillors named in a minute's text and matching them to the people at the meeting.

"Councillor Boles asked…" is C Boles if she is the only Boles present; "Councillor Fitzgerald" is E FitzGerald
(case does not matter); "Councillor Shahbaz Arif" is S Arif (a first name narrows by initial); "Councillor Arif" with
A Arif and S Arif both present is ambiguous and is left unlinked with both names noted; "Councillor Southworth", not
in the attendance list, is left as printed. An officer's `SpeakerLink` for the meeting overrides all of this.
"""

import re
from dataclasses import dataclass

from committee.models import Person
from meetings.models import MinuteSpeaker

# "Councillor" or "Cllr", then perhaps an initial ("L." or "L"), then one to three capitalised words (a surname,
# perhaps after a first name).
MENTION = re.compile(r"\b(?:Councillor|Cllr\.?)\s+((?:[A-Z]\.?\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})")
QUESTION = re.compile(r"\b(?:ask(?:ed|s)?|quer(?:y|ied)|enquired|sought)\b|\?", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass
class Found:
    as_minuted: str
    person: Person | None
    match: str
    candidates: str
    asked: bool


def mentions(text: str) -> list[tuple[str, bool]]:
    """(name as printed, asked a question in that sentence) for each councillor named in `text`, in order."""
    found = []
    for m in MENTION.finditer(text or ""):
        end = SENTENCE_END.search(text, m.end())
        sentence = text[m.end() : end.end() if end else len(text)]
        found.append((f"Councillor {' '.join(m.group(1).split())}", bool(QUESTION.search(sentence))))
    return found


def _names(person: Person) -> tuple[str, str]:
    """(first name or initial, surname), lower case, from "C Boles" / "Ayesha Arif"."""
    words = (person.full_name or person.name).split()
    surname = person.name.split()[-1] if person.name else words[-1]
    return (words[0].casefold() if len(words) > 1 else ""), surname.casefold()


def candidates(as_minuted: str, people: list[Person]) -> list[Person]:
    """The people present whom the printed name could mean."""
    words = as_minuted.replace(".", " ").split()[1:]  # after "Councillor"
    surname, given = words[-1].casefold(), (words[0].casefold() if len(words) > 1 else "")
    matches = []
    for person in people:
        first, last = _names(person)
        if last != surname:
            continue
        if given and first and not (first == given or (len(first) == 1 and first == given[0]) or (len(given) == 1 and given == first[0])):
            continue
        matches.append(person)
    return matches


def find(text: str, people: list[Person], links: dict[str, Person]) -> list[Found]:
    """One entry per distinct name in `text`: linked by an officer, linked by a unique match, ambiguous or not listed."""
    by_name: dict[str, Found] = {}
    for as_minuted, asked in mentions(text):
        if as_minuted in by_name:
            by_name[as_minuted].asked |= asked
            continue
        if as_minuted in links:
            found = Found(as_minuted, links[as_minuted], MinuteSpeaker.Match.CHOSEN, "", asked)
        else:
            possible = candidates(as_minuted, people)
            if len(possible) == 1:
                found = Found(as_minuted, possible[0], MinuteSpeaker.Match.LINKED, "", asked)
            elif possible:
                names = " or ".join(p.name for p in sorted(possible, key=lambda p: p.name))
                found = Found(as_minuted, None, MinuteSpeaker.Match.AMBIGUOUS, names, asked)
            else:
                found = Found(as_minuted, None, MinuteSpeaker.Match.NOT_LISTED, "", asked)
        by_name[as_minuted] = found
    # "Councillor L. Smith" and "Councillor L Smith" in one minute are one speaker.
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
