"""Reporting: projections of both event streams, served through GraphQL under row-level security."""
