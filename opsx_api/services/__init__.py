"""Business rules as plain functions. Services are the only place that commits."""
