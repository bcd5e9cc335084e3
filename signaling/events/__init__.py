"""The durable event feed: a transactional outbox, its catalogue, signed webhook delivery."""
