"""The int8 artifacts compute the same on a CPU without VNNI.

onnxruntime's fused U8S8 kernels saturate on x86 CPUs without VNNI unless the weights leave
headroom (``quantize`` module docstring): the int8 detector built with full-range weights found
the same faces on 51% of held-out inputs there, against 96.5% on a VNNI CPU.  This test runs
the bundle's int8 models with their fused kernels under ``qemu-x86_64 -cpu EPYC-Rome`` (an AMD
CPU with AVX2 and no VNNI, emulated: onnxruntime picks its kernels by CPUID) and requires the
outputs to be bit-identical to this machine's fused kernels.  qemu-user comes from Debian's
``qemu-user`` package (installed by ``.ci/run``; see the README's requirements).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np

from packager.export import calibration
from packager import onnxrt

#: An x86 CPU model without VNNI (AVX2 only), as qemu names it.
NO_VNNI_CPU = "EPYC-Rome"
#: Held-out inputs per model run under emulation (about 0.3 s each there).
INPUTS = 24

_RUN = """
import json, sys
import numpy as np
from packager import onnxrt
from numpy._core._multiarray_umath import __cpu_features__
print(json.dumps({k: __cpu_features__.get(k) for k in ("AVX2", "AVX512F", "AVX512VNNI")}))
job = json.loads(sys.argv[1])
for model, inputs, out in job:
    sess = onnxrt.session(open(model, "rb").read(), ort_format=True, replay=True)
    xs = np.load(inputs)
    name = sess.get_inputs()[0].name
    np.savez(out, *[o for x in xs for o in onnxrt.run(sess, {name: x[None]}).values()])
"""


def test_fused_int8_kernels_are_bit_identical_on_a_cpu_without_vnni(default_build, reference, tmp_path):
    qemu = shutil.which("qemu-x86_64")
    assert qemu, "qemu-x86_64 not found: install Debian's qemu-user (see README requirements)"
    real = calibration.real_inputs(reference)
    held = {"face_detection": real.detector_held_out, "face_emotion_recognition": real.emotion_held_out}
    root = default_build.bundle("android")
    job, host = [], {}
    for role, entry in default_build.manifest("android")["models"].items():
        # faces and, for the detector, non-faces (the held-out list ends with them)
        picked = held[role][: INPUTS // 2] + held[role][-INPUTS // 2:]
        xs = np.concatenate(picked)
        np.save(tmp_path / f"{role}.npy", xs)
        model = root / entry["artifacts"]["int8"]["file"]
        sess = onnxrt.session(model, ort_format=True, replay=True)
        name = sess.get_inputs()[0].name
        host[role] = [o for x in xs for o in onnxrt.run(sess, {name: x[None]}).values()]
        job.append([str(model), str(tmp_path / f"{role}.npy"), str(tmp_path / f"{role}.npz")])
    proc = subprocess.run([qemu, "-cpu", NO_VNNI_CPU, sys.executable, "-c", _RUN, json.dumps(job)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the emulated CPU (as CPUID tells numpy) has AVX2 and no VNNI: the saturating kernel family
    assert json.loads(proc.stdout.splitlines()[0]) == {"AVX2": True, "AVX512F": False, "AVX512VNNI": False}
    for role, (_, _, out) in zip(host, job):
        emulated = np.load(out)
        got = [emulated[f"arr_{i}"] for i in range(len(emulated.files))]
        assert len(got) == len(host[role])
        assert all(np.array_equal(a, b) for a, b in zip(got, host[role])), role
