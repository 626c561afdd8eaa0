"""Parity between the Python reference and the generated Kotlin / Swift cores.

The contract, shared by every language (STYLE.md: parity cases are written once):

Python writes one folder per case (``cases.write_case``)::

    <case>/case.json          {"name", "detector_recipe", "emotion_recipe", "width", "height",
                               "num_faces", "crop_boxes": [[xmin, ymin, xmax, ymax] px, ...]}
    <case>/pixels.rgb         height·width·3 uint8, RGB, row-major
    <case>/regressors.f32     raw detector outputs (onnxruntime), little-endian float32
    <case>/classificators.f32
    <case>/emotion_output_<i>.f32   raw emotion output of face i (crop of crop_boxes[i])
    <case>/expected/...       the reference's own results (read by Python only)

A language harness reads every case folder under a root and writes, into ``<out>/<case>/``::

    detector_input.f32        its preprocess of pixels.rgb (float32 LE, NHWC [1,128,128,3])
    faces.json                {"faces": [{"box": [xmin, ymin, xmax, ymax] normalized to the
                                                  letterbox (the detector's square input),
                                          "keypoints": {name: [x, y], ...} likewise,
                                          "score": s,
                                          "box_px": [...], "keypoints_px": {name: [x, y], ...},
                                          "normalized_box": [...], "normalized_keypoints":
                                            {name: [x, y], ...} normalized to the image}]}
                              decoded from regressors.f32 / classificators.f32; keypoints by
                              the recipe's names, left/right the subject's own (on mirrored
                              frames too), and compared by name
    emotion_input_<i>.f32     its preprocess of pixels.rgb for crop_boxes[i] (float32 LE, the
                              recipe's layout and shape)
    emotion.json              {"faces": [{"probabilities": [...], "top_label": "..."}]} from
                              emotion_output_<i>.f32
    pipeline.json             {"faces": [{"box_px": [...], "top_label": "..."}]} from the
                              generated FaceEmotionSteps chain (detect → crop its own boxes →
                              classify), face i fed emotion_output_<i>.f32

``compare.compare_case`` then checks them against the reference with docs/DESIGN.md's tolerances, and
``compare.compare_chain`` the chained result.
"""

#: ``packager parity --frame`` → the ``reference.frames.from_rgb`` layout each image is fed as (what
#: the cameras deliver; ``rgb``: the image as it is).  Here, import-free, so the command line
#: lists the names without loading the harnesses.
FRAMES = {"rgb": None, "argb": "argb", "rgba": "rgba", "bgra": "bgra", "yuv420": "i420", "nv12": "nv12", "nv21": "nv21"}

#: The languages whose generated core ``packager parity --lang`` checks and ``packager bench``
#: times.
LANGUAGES = ("kotlin", "swift")

#: language → the module that compiles its generated core with its harness and runs it
#: (``run_harness`` for the parity cases, ``benchmark`` for the bench's pre+post rows).
HARNESSES = {lang: f"packager.parity.{lang}_harness" for lang in LANGUAGES}
