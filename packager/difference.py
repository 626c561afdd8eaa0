"""How far apart two runs of a model are: one measure for every check (conversion, .ort, rewrites,
int8 self-check).

``scaled_diff`` measures each output in its own scale, |ours − theirs| / max(1, max |theirs|):
the plain absolute difference for outputs within ±1 (probabilities), relative for raw outputs in
pixels (BlazeFace regressors reach ±150, where one float32 step is 1.5e-5), so that float32
rounding does not pass for a conversion bug.  A NaN or infinity anywhere makes the difference
infinite: a model that outputs them is never "close".

The module imports numpy only when it measures, so that the command line reads the limits below
without loading it (``packager --help``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping

from packager.errors import PackagerError

if TYPE_CHECKING:
    import numpy as np

#: A converted model (TFLite, PyTorch, ONNX → our ONNX) may differ from its source by at most
#: this, per output value, in the output's own scale (``scaled_diff``); ``convert.verify``.
MAX_CONVERSION_DIFF = 1e-4
#: A fp32 .ort may differ from its ONNX by at most this, per output value, in the output's own
#: scale (``scaled_diff``); ``export.artifacts`` checks it at build time and the generated
#: self-check in the app (``codegen``).
FP32_TOLERANCE = 1e-4
#: Default least agreement (percent of held-out inputs) of an int8 model with its fp32 one below
#: which a build fails (``--min-int8-agreement``; ``export.quantize`` measures the agreement).
DEFAULT_MIN_AGREEMENT = 95.0
#: A detection of an fp16 / int8 variant pairs with the fp32 one at this IoU or more
#: (``export.quantize``'s same-faces rule and the app's variant self-check).
MIN_IOU = 0.5
#: Largest corner shift of a paired face, as a fraction of the fp32 face's larger side.  Measured
#: on the held-out set (upscaled 25-pixel LFW faces, blurry) with onnxruntime 1.24.2: paired faces
#: have mean IoU 0.91 and shifts up to 0.10; with 0.1 instead of 0.2 the default detector's
#: agreement is 96.0%, not 96.5% (measured earlier, with onnxruntime 1.32: mean IoU 0.85, shifts
#: up to 0.15, 94.5%).
MAX_CORNER_SHIFT = 0.2
#: An fp16 / int8 variant's outputs (other than the detector's, judged by its faces) against its
#: bundled expected outputs in the app, in each output's own scale (``scaled_diff``): covers the
#: host's fused int8 kernels (0.016 worst on the held-out crops) 3×.
VARIANT_TOLERANCE = 0.05


def _pairs(ours: Mapping[str, np.ndarray], theirs: Mapping[str, np.ndarray]):
    import numpy as np

    if ours.keys() != theirs.keys():
        raise PackagerError(f"outputs differ: {sorted(ours)} vs {sorted(theirs)}")
    for name in theirs:
        a, b = np.asarray(ours[name], np.float64), np.asarray(theirs[name], np.float64)
        if a.shape != b.shape:
            raise PackagerError(f"output {name}: shape {a.shape} vs {b.shape}")
        yield a, b


def max_abs_diff(ours: Mapping[str, np.ndarray], theirs: Mapping[str, np.ndarray]) -> float:
    """Largest |ours − theirs| over every output (same names and shapes required); infinite when
    either side is not finite."""
    import numpy as np

    worst = 0.0
    for a, b in _pairs(ours, theirs):
        if a.size:
            d = float(np.max(np.abs(a - b)))
            worst = max(worst, d if math.isfinite(d) else math.inf)
    return worst


def scaled_diff(ours: Mapping[str, np.ndarray], theirs: Mapping[str, np.ndarray]) -> float:
    """Largest |ours − theirs| / max(1, max |theirs|) per output (module docstring)."""
    import numpy as np

    worst = 0.0
    for a, b in _pairs(ours, theirs):
        if a.size:
            scale = max(1.0, float(np.max(np.abs(b))))
            d = float(np.max(np.abs(a - b))) / scale
            worst = max(worst, d if math.isfinite(d) else math.inf)
    return worst
