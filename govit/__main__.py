"""The ``govit`` console command: Django management with GovIT's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `govit audit verify` reads better than `govit audit_verify`; map "group sub" to "group_sub".
    grouped = {"audit", "documents", "policy", "similarity", "opendata"}
    if len(argv) >= 3 and argv[1] in grouped and not argv[2].startswith("-"):
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
