"""The RAG colours and the council's printed key (seed 003, "The RAG rating will always take into account the impact of the activity")."""

from django.db import models


class Rag(models.TextChoices):
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"


NOT_RATED = "Not rated"

# How each colour is drawn. Text labels always accompany the colour (WCAG 1.4.1); fills are outlined in near-black
# so that even the pale amber meets the 3:1 contrast for graphics (WCAG 1.4.11), and `text` is the label colour
# on that fill with at least 4.5:1 contrast.
RAG_STYLE = {
    Rag.BLUE: {"fill": "#1d70b8", "text": "#ffffff", "tag": "govuk-tag", "letter": "B"},
    Rag.GREEN: {"fill": "#00703c", "text": "#ffffff", "tag": "govuk-tag govuk-tag--green", "letter": "G"},
    Rag.AMBER: {"fill": "#ffbf47", "text": "#0b0c0c", "tag": "govuk-tag govuk-tag--yellow", "letter": "A"},
    Rag.RED: {"fill": "#d4351c", "text": "#ffffff", "tag": "govuk-tag govuk-tag--red", "letter": "R"},
    Rag.GREY: {"fill": "#505a5f", "text": "#ffffff", "tag": "govuk-tag govuk-tag--grey", "letter": "Gy"},
    None: {"fill": "#ffffff", "text": "#0b0c0c", "tag": "", "letter": "–"},
}

# The Children's Services Improvement Plan's key, quoted (seed 003, item 7, "5. Action Plan"). Rank orders the
# colours for "moved up / moved down"; Grey ("not started yet / too early to measure") has no rank, so a move into
# or out of Grey is reported as a change, not as better or worse.
COUNCIL_RAG_KEY = [
    {
        "code": Rag.BLUE,
        "action_meaning": "Action completed",
        "impact_meaning": "achieves consistently improved outcomes",
        "rank": 4,
        "means_complete": True,
    },
    {
        "code": Rag.GREEN,
        "action_meaning": "Action not yet completed, but on track to be completed within timescales",
        "impact_meaning": "mostly consistently delivering improved outcomes",
        "rank": 3,
        "means_complete": False,
    },
    {
        "code": Rag.AMBER,
        "action_meaning": "Action progressing, some issues but realistic plans in place to recover",
        "impact_meaning": "Some positive impact but variable – not consistently good",
        "rank": 2,
        "means_complete": False,
    },
    {
        "code": Rag.RED,
        "action_meaning": "Action not on track, risk to implementation",
        "impact_meaning": "No impact or very limited impact",
        "rank": 1,
        "means_complete": False,
    },
    {
        "code": Rag.GREY,
        "action_meaning": "Action not started yet, no risk to implementation anticipated",
        "impact_meaning": "Too early to measure impact",
        "rank": None,
        "means_complete": False,
    },
]
