"""The command line states facts it reads from their one home: the int8 agreement default
(``difference.DEFAULT_MIN_AGREEMENT``), the targets (``layout.TARGETS``), the parity frame
names (``parity.FRAMES``), the bench sections (``bench.SKIPPABLE``) — in its choices, defaults
and help, and never as literals of its own."""

from __future__ import annotations

import argparse
import dataclasses
import inspect

import pytest

from packager import bench, cli, difference, layout, parity
from packager.options import BenchOptions, ParityOptions, RunOptions


def _subcommand(name: str) -> argparse.ArgumentParser:
    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _option(command: str, flag: str) -> argparse.Action:
    return next(a for a in _subcommand(command)._actions if flag in a.option_strings)


@pytest.mark.parametrize("command", ["build", "convert"])
def test_targets_and_int8_agreement(command):
    assert list(_option(command, "--target").choices) == [*layout.TARGETS, "all"]
    agreement = _option(command, "--min-int8-agreement")
    assert agreement.default == difference.DEFAULT_MIN_AGREEMENT
    assert f"(default: {difference.DEFAULT_MIN_AGREEMENT:g})" in " ".join(_subcommand(command).format_help().split())


def test_frames_and_bench_sections():
    assert tuple(_option("parity", "--frame").choices) == tuple(parity.FRAMES)
    assert tuple(_option("bench", "--skip").choices) == bench.SKIPPABLE


def test_no_literal_copies_in_the_cli():
    """The values themselves do not appear in cli.py (a copy would drift from its home)."""
    source = inspect.getsource(cli)
    commands = set(next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)).choices)
    copies = [f'"{name}"' for name in (*parity.FRAMES, *bench.SKIPPABLE) if name not in commands | {"rgb"}]
    copies += [f"{difference.DEFAULT_MIN_AGREEMENT:g}", f"{difference.DEFAULT_MIN_AGREEMENT}"]
    copies += [f'["{a}", "{b}"]' for a in layout.TARGETS for b in layout.TARGETS if a != b]
    assert [c for c in copies if c in source] == []


def test_the_command_line_does_not_load_numpy():
    """The homes the command line reads are light (``packager --help`` stays fast): checked in
    a fresh interpreter."""
    import subprocess
    import sys

    code = "import sys, packager.cli; print('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


@pytest.mark.parametrize("command,options,required", [
    ("run", RunOptions, ["a.png"]), ("parity", ParityOptions, ["a.png"]), ("bench", BenchOptions, [])])
def test_the_command_line_defaults_are_the_options_defaults(command, options, required):
    """What a flag left out means is said once: each option's default (``packager.options``) is
    what the command line gives without the flag, for every flag named as the field."""
    given = vars(cli.parser().parse_args([command, *required]))
    shared = [f for f in dataclasses.fields(options) if f.name in given and f.default is not dataclasses.MISSING]
    assert len(shared) >= 5
    for f in shared:
        got = tuple(given[f.name]) if isinstance(given[f.name], list) else given[f.name]
        assert got == f.default, f.name
