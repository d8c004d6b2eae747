"""Follow-through: commitments, recommendations to the executive, subscriptions (see the follow-through issue)."""
