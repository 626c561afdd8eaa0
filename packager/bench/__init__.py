"""``packager bench``: the reference pipeline next to its floor (the bare ``session.run`` calls)
and next to the tools a user would pick instead (``fer``, mediapipe's FaceDetector), plus the
model artifacts, ``packager build`` and the generated Kotlin/Swift pre/post — every row measured
in the same run, ratios judged against the project's targets.

Kept import-free: ``python -m packager.bench.peers`` runs in fresh processes for cold starts.
"""

#: The sections ``packager bench --skip`` leaves out (their rows then say so).
PEERS, COLD, THROUGHPUT, VIDEO, ARTIFACTS, BUILD, MOBILE = SKIPPABLE = (
    "peers", "cold", "throughput", "video", "artifacts", "build", "mobile")
