"""The Python wrappers (the names shared with Kotlin and Swift) compute what the pipeline does."""

from packager import samples
from packager.reference.wrappers import FaceDetectionWrapper, FaceEmotionRecognitionWrapper


def test_wrappers_reproduce_the_pipeline(reference):
    rgb = samples.two_faces()
    det, emo = FaceDetectionWrapper(reference.detector), FaceEmotionRecognitionWrapper(reference.emotion)
    inputs = det.preprocess(rgb)
    faces = det.postprocess(*reference.run_detector(inputs.tensor), inputs)
    want = reference(rgb)
    assert [f.box for f in faces] == [f.box for f in want] and len(faces) == 2
    for f, w in zip(faces, want):
        result = emo.postprocess(reference.run_emotion(emo.preprocess(rgb, f)))
        assert result == w.emotion and result.top_label == "happy"
