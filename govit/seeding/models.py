"""The seeder has no tables of its own: it writes the other apps' rows (see services.py)."""
