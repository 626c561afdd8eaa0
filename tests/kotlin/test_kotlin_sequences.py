"""Sequence parity, Kotlin: the generated FaceTracker on the faces the reference found in real
footage gives the reference's track ids and smoothed emotions (packager/parity/sequences.py)."""

import pytest
import sequence_cases

from packager.parity import kotlin_harness


@pytest.mark.parametrize("name", sequence_cases.NAMES)
def test_sequence_parity(tracker_sequences, name, tmp_path):
    sequence_cases.check(name, tracker_sequences[name], tmp_path, kotlin_harness.sequence)


def test_packager_parity_takes_a_video(prepared_default):
    """`packager parity VIDEO`: each analysed frame as an image case, and the sequence through the
    tracker (frames 1.001 s apart, one face: one track); a missing video is one line, exit 2."""
    from footage import shipped
    from packager_cli import one_line_error, packager

    clip = shipped("carphone_pristine.mp4")
    r = packager("parity", clip, "--lang", "kotlin", "--every", "30")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [l for l in r.stdout.splitlines() if l.startswith("| kotlin | carphone_pristine-frame")] == [
        l for l in r.stdout.splitlines() if l.startswith("| kotlin | carphone_pristine-frame") and l.endswith("| ok |")]
    assert sum(l.startswith("| kotlin | carphone_pristine-frame") for l in r.stdout.splitlines()) == 4
    assert "| kotlin | carphone_pristine | 4 | 4 | 1 | ok |" in r.stdout
    one_line_error(packager("parity", clip.with_suffix(".mkv"), "--lang", "kotlin"), "video not found")
