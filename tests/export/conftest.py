"""Builds shared by the ``packager build`` tests: each is made once per session and read by many
assertions.  The export cache lives in the session's isolated packager cache (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from build_helpers import Built, cli_build


@pytest.fixture(scope="session")
def default_build(tmp_path_factory, prepared_default) -> Built:
    """``packager build --target all --quantize int8`` of the default pipeline (cold export cache)."""
    return cli_build(tmp_path_factory.mktemp("build-default") / "dist", "--quantize", "int8")


@pytest.fixture(scope="session")
def second_build(tmp_path_factory, default_build) -> Built:
    """The same build again into another folder (warm cache)."""
    return cli_build(tmp_path_factory.mktemp("build-again") / "dist", "--quantize", "int8")


@pytest.fixture(scope="session")
def self_check_build(tmp_path_factory, default_build) -> Built:
    """``packager build --target all --quantize int8 --self-check`` (warm cache): the fp32 samples
    also in the app."""
    return cli_build(tmp_path_factory.mktemp("build-self-check") / "dist", "--quantize", "int8", "--self-check")
