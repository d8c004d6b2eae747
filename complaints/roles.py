"""What each role may do with complaints records (merged into committee.roles by sync_roles).

Only the Complaints officer role sees personal data (complaints.view_personal_data). Other staff see the
anonymous records in the admin; councillors and the public read the annual report, which holds totals only.
"""

from committee import roles

ANONYMOUS_RECORDS = [
    "complaints.complaint",
    "complaints.stage",
    "complaints.ombudsmancase",
    "complaints.compliment",
    "complaints.learningaction",
    "complaints.annualreport",
    "complaints.team",
    "complaints.theme",
]
PERSONAL_RECORDS = ["complaints.complaintpersonaldata"]


def _perms(models, actions):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.COMPLAINTS_OFFICER: _perms(ANONYMOUS_RECORDS + PERSONAL_RECORDS, ["view", "add", "change", "delete"])
    + ["complaints.view_personal_data"],
    # Service managers update the learning actions they own and log their teams' compliments.
    roles.OFFICER: _perms(ANONYMOUS_RECORDS, ["view"]) + _perms(["complaints.learningaction", "complaints.compliment"], ["add", "change"]),
    # Clerks build the agenda pack from the anonymous records.
    roles.CLERK: _perms(ANONYMOUS_RECORDS, ["view"]),
    # Councillors read the public annual report; they have no admin access, so no record permissions.
    roles.COUNCILLOR: [],
    roles.ADMINISTRATOR: _perms(["complaints.team", "complaints.theme"], ["view", "add", "change"]),
}
