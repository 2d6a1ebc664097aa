"""Reporting's GraphQL: queries over the projections under row-level security."""

from .context import Context, Reader
from .schema import build_schema

__all__ = ["Context", "Reader", "build_schema"]
