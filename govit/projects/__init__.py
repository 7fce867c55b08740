"""项目 — projects, their cost heads, funding, declaration and lifecycle status."""
