"""账号与组织 — jurisdictions, organisations, users and their roles."""
