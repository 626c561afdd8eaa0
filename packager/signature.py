"""What a model declares about its tensors: names, shapes (with dynamic dimensions), dtypes.

Read from the source file by each front end (``packager.convert``), before any conversion, so
that ``packager convert`` can check the user's sample inputs against it (or make them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from packager.errors import PackagerError

#: Largest tensor packager allocates: a sample, a made input, a tensor a model file declares.
#: A phone model's tensors are kilobytes to megabytes; a declared size past this is a damaged file
#: (or not a phone model), and allocating it would end in a MemoryError or the OOM killer.
MAX_TENSOR_BYTES = 1 << 30


def human_bytes(n: int) -> str:
    """``1.5 GiB``: binary units, three significant digits."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    raise AssertionError


def check_size(what: str, shape, dtype) -> None:
    """Refuse, before anything is allocated, a tensor ``what`` of ``shape`` × ``dtype`` larger
    than ``MAX_TENSOR_BYTES``; the one line names it and its size."""
    nbytes = math.prod(int(d) for d in shape) * np.dtype(dtype).itemsize
    if nbytes > MAX_TENSOR_BYTES:
        raise PackagerError(f"{what} is {[int(d) for d in shape]} {np.dtype(dtype).name}: {human_bytes(nbytes)}, more "
                            f"than packager allocates for one tensor ({human_bytes(MAX_TENSOR_BYTES)}); is the file "
                            "damaged, or the shape mistyped?")


@dataclass(frozen=True)
class TensorSpec:
    """One input or output tensor as a model file declares it.

    Attributes:
        name: the tensor name (what a session is fed by).
        shape: one entry per axis, ``None`` for a dynamic one (an ONNX ``dim_param``, a TFLite
            ``-1``); ``None`` as a whole when the format declares no shape (TorchScript).
        dtype: numpy dtype name (``float32``, ``int64``…); ``None`` when undeclared (TorchScript).
    """

    name: str
    shape: tuple[int | None, ...] | None
    dtype: str | None

    @property
    def static(self) -> bool:
        """Every dimension is known."""
        return self.shape is not None and all(d is not None for d in self.shape)

    def fits(self, shape: tuple[int, ...]) -> bool:
        """A concrete shape this tensor accepts (same rank, equal static dimensions)."""
        if self.shape is None:
            return True
        return len(shape) == len(self.shape) and all(d is None or d == s for d, s in zip(self.shape, shape))

    def describe(self) -> str:
        """``[1, ?, 224, 224] float32``: as the messages show a tensor."""
        dims = "?" if self.shape is None else "[" + ", ".join("?" if d is None else str(d) for d in self.shape) + "]"
        return f"{dims} {self.dtype or 'of any dtype'}"


def from_onnx_value(value) -> TensorSpec:
    """A ``TensorSpec`` from an ONNX ``ValueInfoProto`` (a dimension without a value is dynamic)."""
    import onnx

    t = value.type.tensor_type
    shape = tuple(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None for d in t.shape.dim)
    dtype = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(t.elem_type)).name if t.elem_type else None
    return TensorSpec(value.name, shape if t.HasField("shape") else None, dtype)
