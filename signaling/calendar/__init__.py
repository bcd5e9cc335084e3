"""Calendar side of scheduling: .ics invites, reminder dispatch and outbound webhooks."""
