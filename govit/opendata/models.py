"""数据报送 keeps no tables of its own: every export is built from the projects, procurement, contracts,
payments and changes as they stand, and recorded in the audit log."""
