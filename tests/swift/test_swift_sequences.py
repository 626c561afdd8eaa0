"""Sequence parity, Swift: the generated FaceTracker on the faces the reference found in real
footage gives the reference's track ids and smoothed emotions (packager/parity/sequences.py)."""

import pytest
import sequence_cases

from packager.parity import swift_harness


@pytest.mark.parametrize("name", sequence_cases.NAMES)
def test_sequence_parity(tracker_sequences, name, tmp_path):
    sequence_cases.check(name, tracker_sequences[name], tmp_path, swift_harness.sequence)
