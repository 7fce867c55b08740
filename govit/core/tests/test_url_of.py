"""``url_of`` gives the same links as ``{% url %}``, with the resolver asked once per URL name."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from govit.core.templatetags import govit_format


@pytest.mark.parametrize("name", ["project_detail", "project_obligations"])
@pytest.mark.parametrize("pk", [1, 42, 2_147_480_046, 99_999_999_999])
def test_the_link_is_the_one_url_tag_gives(name: str, pk: int) -> None:
    drawn = Template("{{ pk|url_of:name }}|{% url name pk %}").render(Context({"pk": pk, "name": name}))
    ours, stock = drawn.split("|")
    assert ours == stock == reverse(name, args=[pk])


def test_a_site_under_a_prefix_gets_prefixed_links() -> None:
    """Deployed under /govit/ (SCRIPT_NAME), the links carry the prefix; back at the root, they do not."""
    try:
        set_script_prefix("/govit/")
        assert govit_format.url_of(7, "project_detail") == "/govit/projects/7/"
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert govit_format.url_of(7, "project_detail") == "/projects/7/"


def test_the_resolver_is_asked_once_per_name(monkeypatch: Any) -> None:
    govit_format._URL_HALVES.clear()
    asked: list[str] = []
    real = govit_format.reverse

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        asked.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(govit_format, "reverse", counting)
    links = [govit_format.url_of(pk, "project_detail") for pk in range(1, 21)]
    assert links[4] == "/projects/5/"
    assert asked == ["project_detail"]
