"""审计 — the append-only, hash-chained audit log."""
