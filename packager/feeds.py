"""The sample inputs of ``packager convert``: the user's ``.npy`` files (one per model input, by
order or ``name=path``), or, without any, values made from the model's static shapes.

Every check here runs before anything is converted or written; a sample that does not fit the
model (rank, a static dimension, dtype) is refused with one line naming the input.  Dynamic
dimensions take the sample's sizes (``--shape NAME=D,D,…`` when no sample is given), and every
such choice is returned as a note the command prints.
"""

from __future__ import annotations

import math

import numpy as np

from packager.errors import PackagerError
from packager.signature import TensorSpec, check_size

#: Seed of the values made for inputs given no sample (the same command gives the same bundle).
SEED = 0
#: Range of the values made for a float input given no sample: uniform in [LOW, HIGH).
LOW, HIGH = 0.0, 1.0


def parse_shapes(items: list[str], specs: list[TensorSpec]) -> dict[str, tuple[int, ...]]:
    """``--shape NAME=1,3,224,224`` options by input name (every name must be an input)."""
    names = [s.name for s in specs]
    out = {}
    for item in items:
        name, sep, dims = item.rpartition("=")
        if not sep or not name:
            raise PackagerError(f"--shape {item!r}: write NAME=D,D,... (inputs: {', '.join(names)})")
        if name not in names:
            raise PackagerError(f"--shape {item!r}: the model has no input {name!r} (inputs: {', '.join(names)})")
        try:
            shape = tuple(int(d) for d in dims.split(","))
        except ValueError:
            shape = ()
        if not shape or any(d <= 0 for d in shape):
            raise PackagerError(f"--shape {item!r}: dimensions must be positive integers separated by commas")
        out[name] = shape
    return out


def assign(items: list[str], specs: list[TensorSpec]) -> dict[str, str]:
    """``-i`` options → {input name: .npy path}: each ``NAME=PATH`` by name, the others in the
    model's input order.  Given any, every input needs one."""
    names = [s.name for s in specs]
    named, positional = {}, []
    for item in items:
        name, sep, path = item.partition("=")
        if sep and name in names:
            if name in named:
                raise PackagerError(f"-i {item!r}: input {name!r} is given twice")
            named[name] = path
        else:
            positional.append(item)
    rest = [n for n in names if n not in named]
    if len(positional) > len(rest):
        raise PackagerError(f"{len(items)} -i samples for a model with {len(names)} input(s) ({', '.join(names)})")
    out = {**named, **dict(zip(rest, positional))}
    missing = [n for n in names if n not in out]
    if items and missing:
        raise PackagerError(f"no sample for input(s) {', '.join(missing)}: give one -i per model input "
                            f"({', '.join(names)}), by order or as NAME=PATH")
    return out


def _npy_magic(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(6) == b"\x93NUMPY"


def _npy_header(path: str, name: str) -> None:
    """Read a ``.npy`` header without reading its data, and refuse a declared size past the
    memory budget (``signature.check_size``) or past the end of the file (numpy would allocate
    first and fail after: a header declaring 10^15 values is a ``MemoryError``)."""
    import os

    try:
        with open(path, "rb") as f:
            try:
                version = np.lib.format.read_magic(f)
            except ValueError:
                return  # not a .npy file: np.load says what it is
            read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read is None:
                return  # a newer format version: np.load judges it
            try:
                shape, _, dtype = read(f, max_header_size=10000)
            except Exception as e:  # noqa: BLE001 — the header is Python literal syntax: any parse error
                raise PackagerError(f"sample {path} for input {name!r} is not a numeric .npy array (its header is "
                                    f"damaged: {type(e).__name__})") from None
            data = os.fstat(f.fileno()).st_size - f.tell()
    except FileNotFoundError:
        raise PackagerError(f"sample for input {name!r} not found: {path}") from None
    except OSError:
        return  # unreadable: np.load says why
    if dtype.hasobject:
        return
    check_size(f"sample {path} for input {name!r}", shape, dtype)
    need = math.prod(shape) * dtype.itemsize
    if data < need:
        raise PackagerError(f"sample {path} for input {name!r} is truncated: its header declares {list(shape)} "
                            f"{dtype.name} ({need} bytes), the file holds {data}")


def load_npy(path: str, name: str) -> np.ndarray:
    """A ``.npy`` file as an array of this machine's byte order (never unpickled: object arrays
    are refused), non-empty and finite.

    The byte order is normalised here, before anything reads the values: the converters and
    runtimes read a tensor's raw bytes, so a big-endian sample would be checked as garbage on
    both sides of every comparison and still pass."""
    _npy_header(path, name)
    try:
        x = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise PackagerError(f"sample for input {name!r} not found: {path}") from None
    except Exception as e:  # noqa: BLE001 — OSError, ValueError, EOFError, a damaged header's TokenError...
        reason = (str(e).splitlines() or [type(e).__name__])[0]
        if "allow_pickle" in str(e):  # numpy read it as a pickle: no .npy header, or an object array
            reason = "it holds Python objects" if _npy_magic(path) else "no .npy header: write it with numpy.save"
        raise PackagerError(f"sample {path} for input {name!r} is not a numeric .npy array ({reason})") from None
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        raise PackagerError(f"sample {path} for input {name!r} is not a numeric array (dtype {getattr(x, 'dtype', '?')})")
    if not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    if x.size == 0:
        raise PackagerError(f"sample {path} for input {name!r} is empty (shape {list(x.shape)}): a check on no "
                            "values proves nothing; give a sample with at least one value")
    check_finite_sample(x, f"sample {path} for input {name!r}")
    return x


def check_finite_sample(x: np.ndarray, what: str) -> None:
    """A sample holding NaN or Inf is the sample's fault, said so before any model runs on it
    (else the model's outputs would be NaN and the model blamed)."""
    if x.dtype.kind != "f":
        return
    nan, inf = int(np.isnan(x).sum()), int(np.isinf(x).sum())
    if nan or inf:
        kinds = " and ".join(f"{n} {k}" for n, k in ((nan, "NaN"), (inf, "Inf")) if n)
        raise PackagerError(f"{what} holds {kinds} of its {x.size} values; give finite values (the check compares "
                            "the model's outputs on them)")


def _fit(spec: TensorSpec, x: np.ndarray, path: str, shape: tuple[int, ...] | None) -> str | None:
    """Refuse a sample that does not fit its input; the note when it pins dynamic dimensions."""
    if spec.dtype is not None and x.dtype.name != spec.dtype:
        kind = "" if np.dtype(spec.dtype).kind == "f" else " (not a float input: give a sample of its own dtype)"
        raise PackagerError(f"sample {path} is {x.dtype.name}, input {spec.name!r} takes {spec.dtype}{kind}")
    if not spec.fits(x.shape):
        raise PackagerError(f"sample {path} has shape {list(x.shape)}, input {spec.name!r} takes {spec.describe()}")
    if shape is not None and shape != x.shape:
        raise PackagerError(f"--shape {spec.name}={','.join(map(str, shape))} differs from the shape of sample {path} "
                            f"{list(x.shape)}")
    if spec.shape is not None and not spec.static:
        return f"input {spec.name!r}: dynamic dimensions of {spec.describe()} pinned to the sample's {list(x.shape)}"
    return None


#: What a dynamic height or width becomes in a ``--shape`` hint for an image-shaped input: the
#: usual side of an ImageNet classifier (MobileNet, ResNet, EfficientNet-B0).
IMAGE_SIDE = 224
#: Channel counts that mark a 4-D input as an image (gray, RGB, RGBA).
IMAGE_CHANNELS = (1, 3, 4)


def shape_hint(shape: tuple[int | None, ...]) -> tuple[int, ...]:
    """A ``--shape`` suggestion for a declared shape with dynamic dimensions: a 4-D input whose
    channels sit last (NHWC) or second (NCHW) with a static image channel count gets
    ``IMAGE_SIDE`` for a dynamic height and width; every other dynamic dimension (the batch) 1."""
    out = [1 if d is None else d for d in shape]
    if len(shape) == 4:
        spatial = (1, 2) if shape[3] in IMAGE_CHANNELS else (2, 3) if shape[1] in IMAGE_CHANNELS else ()
        for a in spatial:
            out[a] = IMAGE_SIDE if shape[a] is None else shape[a]
    return tuple(out)


def _made(spec: TensorSpec, shape: tuple[int, ...] | None, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Values for an input given no sample, and the note saying so."""
    if shape is None:
        if spec.shape is None:
            raise PackagerError(f"input {spec.name!r}: the model file declares no shape (TorchScript); give a sample "
                                f"with -i, or its shape with --shape {spec.name}=D,D,...")
        if not spec.static:
            pin = ",".join(map(str, shape_hint(spec.shape)))
            raise PackagerError(f"input {spec.name!r} has dynamic dimensions {spec.describe()}: give a sample with -i, "
                                f"or pin them with --shape {spec.name}={pin}")
        shape = tuple(spec.shape)
    elif not spec.fits(shape):
        raise PackagerError(f"--shape {spec.name}={','.join(map(str, shape))} does not fit input {spec.name!r}, "
                            f"which takes {spec.describe()}")
    dtype = spec.dtype or "float32"
    if 0 in shape:
        raise PackagerError(f"input {spec.name!r} would be empty ({list(shape)}): a check on no values proves "
                            f"nothing; give a sample with -i, or --shape {spec.name}=D,D,... of positive dimensions")
    check_size(f"input {spec.name!r} (no sample given, made from its declared shape)", shape, dtype)
    if np.dtype(dtype).kind != "f":
        raise PackagerError(f"input {spec.name!r} is {dtype}, not float: packager cannot make a meaningful sample of "
                            "it; give one with -i")
    x = rng.uniform(LOW, HIGH, shape).astype(dtype)
    return x, (f"input {spec.name!r}: no sample given, made {list(shape)} {dtype} uniform in [{LOW:g}, {HIGH:g}) "
               f"(seed {SEED}); give a real one with -i for a check on real data")


def make(specs: list[TensorSpec], samples: list[str], shapes: list[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The sample inputs by name, in the model's input order, and the notes on how they were
    chosen (made values, pinned dimensions)."""
    pinned = parse_shapes(shapes, specs)
    paths = assign(samples, specs)
    rng = np.random.default_rng(SEED)
    feeds, notes = {}, []
    for spec in specs:
        if spec.name in paths:
            x = load_npy(paths[spec.name], spec.name)
            note = _fit(spec, x, paths[spec.name], pinned.get(spec.name))
        else:
            x, note = _made(spec, pinned.get(spec.name), rng)
        feeds[spec.name] = np.ascontiguousarray(x)
        if note:
            notes.append(note)
    return feeds, notes


#: Fewest calibration files ``--calibration`` takes: every HELD_OUT_EVERY-th is held out to
#: measure the int8 model, so at least two are held out.
MIN_CALIBRATION = 8
HELD_OUT_EVERY = 4


def calibration(folder: str, sample: dict[str, np.ndarray]) -> tuple[list[dict], list[dict]]:
    """``--calibration DIR``: its ``.npy`` files (sorted by name), each one input of the sample's
    shape and dtype, as (calibration feeds, held-out feeds): every ``HELD_OUT_EVERY``-th file is
    held out, never calibrated on.  One-input models only."""
    from pathlib import Path

    if len(sample) != 1:
        raise PackagerError(f"--calibration takes one-input models; this one has {len(sample)} inputs "
                            f"({', '.join(sample)})")
    (name, x), d = next(iter(sample.items())), Path(folder)
    if not d.is_dir():
        raise PackagerError(f"--calibration {folder}: not a folder of .npy files")
    files = sorted(p for p in d.iterdir() if p.suffix == ".npy" and p.is_file())
    if len(files) < MIN_CALIBRATION:
        raise PackagerError(f"--calibration {folder}: {len(files)} .npy files; give at least {MIN_CALIBRATION} "
                            f"(every {HELD_OUT_EVERY}th is held out to measure the int8 model)")
    feeds = []
    for p in files:
        y = load_npy(str(p), name)
        if y.shape != x.shape or y.dtype != x.dtype:
            raise PackagerError(f"calibration file {p} is {list(y.shape)} {y.dtype}; input {name!r} is "
                                f"{list(x.shape)} {x.dtype} (as the sample)")
        feeds.append({name: np.ascontiguousarray(y)})
    held = set(range(HELD_OUT_EVERY - 1, len(feeds), HELD_OUT_EVERY))
    return [f for i, f in enumerate(feeds) if i not in held], [f for i, f in enumerate(feeds) if i in held]


#: Random check inputs besides the sample (and the photo): uniform over the sample's range.
RANDOM_CHECKS = 2
#: Seed of the random check inputs (the sample's own seed is ``SEED``).
CHECK_SEED = 1


def image_layout(shape: tuple[int, ...]) -> str | None:
    """``NHWC`` or ``NCHW`` when a shape looks like one image (batch 1, 1 or 3 channels, at least
    8×8 pixels), else None."""
    if len(shape) != 4 or shape[0] != 1:
        return None
    if shape[3] in (1, 3) and min(shape[1:3]) >= 8:
        return "NHWC"
    if shape[1] in (1, 3) and min(shape[2:4]) >= 8:
        return "NCHW"
    return None


def _in_range(x01: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Values in [0, 1] mapped linearly onto the range of ``like`` ([0, 1] when ``like`` is one
    value), in its dtype (integers rounded)."""
    lo, hi = float(np.min(like)), float(np.max(like))
    if hi <= lo:
        lo, hi = (0.0, 1.0) if like.dtype.kind == "f" else (float(np.iinfo(like.dtype).min), float(np.iinfo(like.dtype).max))
    y = lo + x01 * (hi - lo)
    return (np.rint(y) if like.dtype.kind in "iu" else y).astype(like.dtype)


def photo(shape: tuple[int, ...], layout: str) -> np.ndarray:
    """The astronaut photo (``packager.samples``) letterboxed into an image input of ``shape``,
    gray for one channel, values in [0, 1]."""
    from packager import samples
    from packager.reference.resample import resample

    h, w = (shape[1], shape[2]) if layout == "NHWC" else (shape[2], shape[3])
    channels = shape[3] if layout == "NHWC" else shape[1]
    rgb = samples.astronaut()
    ih, iw = rgb.shape[:2]
    s = min(w / iw, h / ih)
    x0, y0 = (iw - w / s) / 2.0, (ih - h / s) / 2.0
    pixels = resample(rgb, (x0, y0, x0 + w / s, y0 + h / s), w, h, "bilinear", 0) / 255.0
    if channels == 1:
        pixels = pixels @ np.array([0.299, 0.587, 0.114])[:, None]
    return pixels[None] if layout == "NHWC" else pixels.transpose(2, 0, 1)[None]


def _varies(name: str, x: np.ndarray, images: list[str]) -> bool:
    """Random values go to float inputs and to integer inputs whose sample spans a range (or is an
    image); an integer input of one value (an index, a count) keeps it."""
    return x.dtype.kind == "f" or (x.dtype.kind in "iu" and (name in images or np.min(x) < np.max(x)))


def check_inputs(sample: dict[str, np.ndarray]) -> list[tuple[str, dict[str, np.ndarray]]]:
    """The inputs a conversion is checked on, as (label, feeds): the sample; when exactly one
    input looks like an image (``image_layout``) a real photo letterboxed into it, its values
    mapped onto the sample's range (the other inputs keep the sample's values); and
    ``RANDOM_CHECKS`` inputs uniform over each input's sample range (seed ``CHECK_SEED``;
    booleans and single-valued integer inputs keep the sample's: ``_varies``)."""
    out = [("the sample", sample)]
    images = [n for n, x in sample.items() if x.dtype.kind in "fiu" and image_layout(x.shape)]
    if len(images) == 1:
        n = images[0]
        out.append(("a photo", {**sample, n: _in_range(photo(sample[n].shape, image_layout(sample[n].shape)), sample[n])}))
    rng = np.random.default_rng(CHECK_SEED)
    for i in range(RANDOM_CHECKS):
        out.append((f"random input {i + 1}", {n: _in_range(rng.uniform(0, 1, x.shape), x) if _varies(n, x, images) else x
                                              for n, x in sample.items()}))
    return out
