"""GovIT policy packs and the pure policy engine."""
