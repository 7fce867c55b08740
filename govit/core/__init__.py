"""Shared building blocks: clock, formatting, base pages."""
