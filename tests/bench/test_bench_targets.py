"""The targets are judged from this run's rows alone: the generated cores' pre+post against the
model inference measured on the same frame, per frame size."""

from packager.bench import notes, targets
from packager.bench.table import MEASURED, Row, Stats, fmt_ms


def _mobile_rows(pre_post_ms: float, inference_ms: float) -> list[Row]:
    base = Row("mobile", "mobile-inference-kotlin-1920x1080", "model inference", MEASURED, Stats(inference_ms, None, 5))
    row = Row("mobile", "mobile-kotlin-1920x1080", "Kotlin pre+post, 1920x1080 frame", MEASURED,
              Stats(pre_post_ms, None, 5), baseline=base.key, note="median of 5 frames", bytes_per_frame=0)
    return [base, row]


def test_mobile_pre_post_is_judged_against_inference_on_the_same_frame():
    (t,) = [t for t in targets.evaluate(_mobile_rows(0.5, 2.5)) if t.key.startswith("mobile-")]
    assert t.key == "mobile-kotlin-1920x1080" and t.limit == targets.MOBILE_LIMIT == 0.25
    assert t.value == 0.2 and t.met is True and "1920x1080" in t.text


def test_a_missed_mobile_target_is_explained_with_its_numbers():
    rows = _mobile_rows(1.0, 2.0)
    (t,) = [t for t in targets.evaluate(rows) if t.key.startswith("mobile-")]
    assert t.met is False
    (line,) = [n for n in notes.closing(rows) if t.text in n]
    assert line.startswith("Missed") and "median of 5 frames" in line and "model inference" in line


def test_a_missed_mobile_target_names_its_largest_stage_and_its_other_format():
    """The lever is read off the stages (here the emotion crop, not the letterbox), and the same
    size's RGB row shows what the camera format adds."""
    rows = _mobile_rows(1.2, 4.0)
    rows[1].stages = {"detector_pre": 0.3, "detector_post": 0.1, "emotion_pre": 0.7, "emotion_post": 0.1}
    rgb = Row("mobile", "mobile-kotlin-1920x1080 nv21", "Kotlin pre+post, 1920x1080 nv21 frame", MEASURED,
              Stats(0.9, None, 5), baseline=rows[0].key)
    line = [n for n in notes.closing(rows + [rgb]) if "1920x1080 frame" in n and n.startswith("Missed")][0]
    assert f"{fmt_ms(0.2)} over" in line and "Next lever: emotion pre (58% of pre+post)" in line
    assert "alone meets the target" in line and f"this format adds {fmt_ms(0.3)}" in line
    rows[1].stages = {"detector_pre": 0.4, "detector_post": 0.4, "emotion_pre": 0.4}
    line = [n for n in notes.closing(rows) if n.startswith("Missed")][0]
    assert "every stage must shrink" not in line  # 0.4 ≥ 0.2 over: cutting one stage is enough
    rows[1].stats = Stats(3.0, None, 5)
    rows[1].stages = {"detector_pre": 1.0, "detector_post": 1.0, "emotion_pre": 1.0}
    assert "every stage must shrink" in [n for n in notes.closing(rows) if n.startswith("Missed")][0]


def _row(key: str, name: str, ms: float) -> Row:
    return Row("warm", key, name, MEASURED, Stats(ms, None, 5))


def _note(rows: list[Row], key: str) -> str:
    (t,) = [t for t in targets.evaluate(rows) if t.key == key]
    assert t.met is False
    (line,) = [n for n in notes.closing(rows) if t.text in n]
    return line


def test_the_overhead_note_names_the_measured_stages_and_the_targets_own_limit(monkeypatch):
    # The largest stage here is the emotion postprocess, not the letterbox; and the limit is moved
    # to 1.5: a note written in advance ("the letterbox in numpy", "0.3 × the floor") would be false.
    monkeypatch.setattr(targets, "OVERHEAD_LIMIT", 1.5)
    rows = [_row("floor", "floor", 10.0), _row("reference", "reference", 30.0),
            _row("stage-detect-pre", "  detector preprocess (letterbox resample)", 1.0),
            _row("stage-emotion-post", "  emotion postprocess", 12.0)]
    line = _note(rows, "overhead")
    assert "letterbox in numpy" not in line and "0.3" not in line
    assert f"{fmt_ms(5.0)} allowed" in line and "1.5 × the floor" in line and fmt_ms(20.0) in line
    assert "the largest, emotion postprocess, alone exceeds" in line


def test_the_mediapipe_note_says_when_the_bare_models_already_miss():
    # The floor alone is slower than mediapipe: the pre/post is not "the whole gap".
    rows = [_row("floor", "floor", 8.0), _row("reference", "reference", 9.0), _row("mediapipe", "mediapipe", 5.0)]
    line = _note(rows, "vs-mediapipe")
    assert "whole gap" not in line and "before any pre/post" in line and f"already {fmt_ms(3.0)}" in line
    rows[0] = _row("floor", "floor", 4.0)  # now the floor fits and the pre/post is what exceeds
    assert "is what exceeds it" in _note(rows, "vs-mediapipe")


def test_the_fer_note_says_when_the_floor_alone_keeps_the_ratio_under_the_limit():
    # fer ÷ floor is 10, under 20 too: the reference's pre/post is not what keeps the ratio under 20.
    rows = [_row("floor", "floor", 10.0), _row("reference", "reference", 12.0), _row("fer", "fer", 100.0)]
    line = _note(rows, "vs-fer")
    assert "is what keeps" not in line and "the ratio is 10.0, under 20" in line
    rows[0] = _row("floor", "floor", 2.0)  # fer ÷ floor = 50: now the pre/post is what keeps it under
    assert "is what keeps it under 20" in _note(rows, "vs-fer")


def test_the_cold_note_claims_nothing_the_rows_do_not_measure():
    rows = [Row("cold", "cold-reference", "packager run IMAGE", MEASURED, Stats(900.0, None, 3))]
    line = _note(rows, "cold-start")
    assert "tensorflow" not in line and "not measured" in line


def test_targets_and_notes_read_medians_from_one_home():
    from packager.bench import table

    rows = {"a": _row("a", "a", 3.0), "b": Row.unavailable("warm", "b", "b", "missing", "not installed")}
    assert table.median(rows, "a") == 3.0 and table.median(rows, "b") is None and table.median(rows, "c") is None
    for module in (targets, notes):
        assert module.median is table.median and not hasattr(module, "_median")
