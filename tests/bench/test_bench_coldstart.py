"""Cold start: once the models are cached, `packager run` imports no heavy framework (tensorflow,
torch, onnx, scikit-image, scipy, the peers; PyAV, which only videos need) — they cost seconds before
the first result."""

import json
import os
import subprocess
import sys

from PIL import Image

from packager import samples

HEAVY = ("tensorflow", "torch", "onnx", "tf2onnx", "skimage", "scipy", "cv2", "mediapipe", "fer", "keras", "av")

PROBE = """
import json, sys
from packager import cli
code = cli.main(["run", sys.argv[1], "--quiet"])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv[2])))
print(json.dumps({"code": code, "heavy": heavy}))
"""


def test_run_path_imports_no_heavy_framework(tmp_path, prepared_default):
    img = tmp_path / "astronaut.png"
    Image.fromarray(samples.astronaut()).save(img)
    r = subprocess.run([sys.executable, "-c", PROBE, str(img), json.dumps(HEAVY)], capture_output=True, text=True,
                       env=os.environ.copy(), timeout=300)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "heavy": []}
    assert "1 face" in r.stdout
