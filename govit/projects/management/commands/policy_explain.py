from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.projects.models import Project
from govit.projects.policy import project_policy_text


class Command(BaseCommand):
    help = "用中文说明某个项目适用的规则及其条款依据（govit policy explain PROJECT_ID）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        project = (
            Project.objects.filter(pk=options["project_id"])
            .select_related("lead_unit", "jurisdiction")
            .first()
        )
        if project is None:
            raise CommandError(f"项目 {options['project_id']} 不存在")
        self.stdout.write(project_policy_text(project))
