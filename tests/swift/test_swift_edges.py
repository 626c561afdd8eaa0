"""Bad input in the compiled Swift core (the harness's ``--edges`` mode, ParityHarness/Edges.swift):
the reference's outcome, or where the reference refuses the input, the ``PackagerError`` case the
Kotlin core throws at the same place (its subclass of the same name) — one table for both
languages, tests/edge_cases.py (tests/kotlin/test_kotlin_robustness.py holds Kotlin to it)."""

from __future__ import annotations

import json
import subprocess

import pytest

import edge_cases


@pytest.fixture(scope="module")
def swift_edges(swift_binary, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("swift-edges") / "edges.json"
    done = subprocess.run([str(swift_binary), "--edges", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())["edges"]


@pytest.mark.parametrize("name", sorted(edge_cases.expected_outcomes()))
def test_edge_like_the_reference_and_kotlin(swift_edges, name):
    assert swift_edges[name] == edge_cases.expected_outcomes()[name]


def test_edge_cases_are_the_shared_ones(swift_edges):
    assert set(swift_edges) == set(edge_cases.expected_outcomes())
