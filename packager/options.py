"""What each command takes: one frozen dataclass per command, built by ``packager.cli`` from the
command line and read by ``packager.commands.<command>``.  Light on purpose (no numpy): the CLI
imports it for ``--help``."""

from __future__ import annotations
