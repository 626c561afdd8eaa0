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
