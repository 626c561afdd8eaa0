"""Sequence parity, Swift: the generated FaceTracker on the faces the reference found in real
footage gives the reference's track ids and smoothed emotions (packager/parity/sequences.py)."""

import pytest
import sequence_cases

from packager.parity import sequences, swift_harness


@pytest.fixture(scope="module")
def cases(reference):
    return {**sequence_cases.real(reference), "corners": sequence_cases.corners()}


@pytest.mark.parametrize("name", ["carphone", "carphone-every-3", "bikes", "corners"])
def test_sequence_parity(cases, name, tmp_path):
    seq = cases[name]
    labels = sequence_cases.LABELS if name == "corners" else next(
        f.emotion.labels for _, faces in seq for f in faces)
    job = sequences.write_job(tmp_path / "job.json", seq, labels)
    want = sequences.expected(seq)
    assert sequences.compare(want, swift_harness.sequence(job)) == []
    assert len({t for w in want for t in w["tracks"]}) >= 1  # the sequence has faces to track
