from __future__ import annotations

from typing import Any

from django import template

from govit.obligations.choices import LIGHT_LABELS
from govit.obligations.selectors import obligation_lights

register = template.Library()


@register.simple_tag
def lights_for(projects: Any) -> dict[int, tuple[str, str]]:
    """{project id: (light, label)} for the projects of a table — one query for the whole page."""
    return {
        pk: (light, LIGHT_LABELS[light]) for pk, light in obligation_lights(p.pk for p in projects).items()
    }


@register.simple_tag
def light_of(project: Any) -> tuple[str, str]:
    light = obligation_lights([project.pk])[project.pk]
    return light, LIGHT_LABELS[light]
