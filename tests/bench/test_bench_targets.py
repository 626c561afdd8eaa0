"""The targets are judged from this run's rows alone: the generated cores' pre+post against the
model inference measured on the same frame, per frame size."""

from packager.bench import notes, targets
from packager.bench.table import MEASURED, Row, Stats


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
