"""门户 — the home page and demo data; a leaf app nothing else imports."""
