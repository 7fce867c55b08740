"""统计分析 keeps no records of its own: every figure is aggregated from the projects, approvals, obligations,
acceptance applications and evaluations of the apps upstream."""
