"""This app's permissions per role; committee.roles.sync_roles merges them into the role groups."""

PLAN_RECORDS = [
    "improvement.board",
    "improvement.inspection",
    "improvement.judgement",
    "improvement.recommendation",
    "improvement.improvementplan",
    "improvement.ragrating",
    "improvement.priority",
    "improvement.outcome",
    "improvement.improvementaction",
    "improvement.progressupdate",
    "improvement.planpresentation",
    "improvement.measure",
    "improvement.measurement",
]


def _perms(actions):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in PLAN_RECORDS for action in actions]


# Officers keep plans and KPIs up to date; only clerks delete (a progress update is a record of what was reported).
ROLE_PERMISSIONS = {
    "Councillor": _perms(["view"]),
    "Officer": _perms(["view", "add", "change"]),
    "Clerk": _perms(["view", "add", "change", "delete"]),
}
