"""Children's social care complaints (see the complaints issue); no models yet."""
