"""The one export back end of ``packager build`` and ``packager convert``: what they may replace,
the bundle files (models, samples), the manifest every bundle has, and the atomic install.

A bundle is a bundle of models (``artifacts.Artifacts``, each with its samples and variants);
the face bundle adds its pipeline (wrappers, recipes, the precision choice: ``facebundle``), a
``packager convert`` bundle its runner (``modelbundle``).  Layout: ``packager.layout``; the
manifest's schema: ``manifest``.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import Callable

import numpy as np

from packager import __version__, layout, ortversion, outputs
from packager.cache import Cache
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import install, manifest, precision
from packager.export import ort as ort_export
from packager.layout import TARGETS, Target
from packager.progress import Progress

#: The README line on ``required_operators.config``, the same in every bundle.
OPERATORS_LINE = ("- `required_operators.config`: operators for a reduced ONNX Runtime build "
                  "(`--minimal_build extended --include_ops_by_config`).")


def check_choices(targets: tuple[str, ...], quantize: str | None) -> None:
    """Known targets and quantization."""
    unknown = [t for t in targets if t not in TARGETS]
    if unknown or not targets:
        raise PackagerError(f"unknown target {unknown}; choose from: {', '.join(TARGETS)}, all")
    if quantize not in (None, "int8"):
        raise PackagerError(f"unknown quantization {quantize!r}; the only one is int8")


def check_agreement(min_int8_agreement: float) -> None:
    if not 0.0 <= min_int8_agreement <= 100.0:
        raise PackagerError(f"--min-int8-agreement {min_int8_agreement:g}: give a percentage from 0 to 100")


def check_out(targets: tuple[str, ...], out: str | Path, models: tuple[str, ...]) -> Path:
    """An output folder (``outputs.check_folder``, on the name as given: ``''`` is not ``.``)
    whose bundles may be replaced: each bundle folder is absent, empty or a previous bundle of
    the same ``models`` (bundle names) whose manifest says which files packager wrote (the rest
    is kept, ``install``)."""
    out = outputs.check_folder(out, "--out")
    for t in targets:
        install.check_target(out / t, is_bundle)
        if is_bundle(out / t):
            there = tuple(manifest.previous(out / t)["models"])
            if set(there) != set(models):
                raise PackagerError(f"{out / t} holds the bundle of {_models(there)}; refusing to replace it with "
                                    f"{_models(models)} (choose another --out)")
    return out


def _models(names: tuple[str, ...]) -> str:
    return ("model " if len(names) == 1 else "models ") + ", ".join(names)


def is_bundle(path: Path) -> bool:
    """A folder a previous build or convert wrote (it holds a manifest)."""
    return (path / layout.MANIFEST).is_file()


def npy_bytes(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(x), allow_pickle=False)
    return buf.getvalue()


def add(files: dict[str, bytes], rel: str, payload: bytes) -> str:
    """Put one file in the bundle; a second file of the same path (two outputs whose names are
    the same once file-safe) is an error, never a silent overwrite."""
    if rel in files:
        raise PackagerError(f"two bundle files would be named {rel}; rename the model outputs apart")
    files[rel] = payload
    return rel


def bundle_files(t: Target, models: dict[str, art.Artifacts], self_check: bool = False,
                 shipped: tuple[str, ...] | None = None,
                 folder: Callable[[str], str] | None = None) -> tuple[dict[str, bytes], dict[str, dict]]:
    """(relative path → bytes of every model file and sample, model → its manifest paths, as
    ``manifest.model_entry`` reads them).

    Models go in ``folder(model)`` (None: ``t.models``, the face bundle's): the ``shipped``
    variants (``layout.VARIANTS``; None: every variant made); samples in ``layout.SAMPLES``
    (``layout.package_samples``: the inputs, each variant's own outputs), and with
    ``self_check`` also next to the models (paths ``in_app``, ``<variant>_in_app``)."""
    files, paths = {}, {}
    for role, a in models.items():
        variants = shipped or tuple(v for v in precision.VARIANTS if art.variant(a, v) is not None)
        where = folder(role) if folder else t.models

        def in_models(name: str) -> str:
            return f"{where}/{name}"

        names = layout.package_samples(role, list(a.sample_inputs), list(a.sample_outputs))
        inputs = {n: PurePosixPath(p).name for n, p in names["inputs"].items()}
        outputs_ = {n: PurePosixPath(p).name for n, p in names["outputs"].items()}

        def place(at: Callable[[str], str]) -> dict:
            """The fp32 samples at ``at(file name)``: their bundle paths."""
            return {"inputs": {n: add(files, at(f), npy_bytes(a.sample_inputs[n])) for n, f in inputs.items()},
                    "outputs": {n: add(files, at(f), npy_bytes(a.sample_outputs[n])) for n, f in outputs_.items()}}

        p = {"fp32": add(files, in_models(layout.model_file(role)), a.ort) if "fp32" in variants else None}
        p |= place(layout.sample_path)
        p["in_app"] = place(in_models) if self_check else None
        for v in variants:
            if v == "fp32":
                continue
            record = art.variant(a, v)
            p[v] = add(files, in_models(layout.variant_file(role, v)), record["ort"])
            own = {n: layout.variant_sample_output(role, n, v) for n in record["sample_outputs"]}
            p[f"{v}_sample_outputs"] = {n: add(files, layout.sample_path(f), npy_bytes(record["sample_outputs"][n]))
                                        for n, f in own.items()}
            p[f"{v}_in_app"] = ({n: add(files, in_models(f), npy_bytes(record["sample_outputs"][n]))
                                 for n, f in own.items()} if self_check else None)
        paths[role] = p
    return files, paths


def operators_config(models: dict[str, art.Artifacts], cache: Cache, progress: Progress) -> str:
    """``required_operators.config`` of every variant made of every model (the same file in each
    target's bundle)."""
    inputs = {}
    for role, a in models.items():
        for v in layout.VARIANTS:
            record = art.variant(a, v)
            if record is not None:
                inputs[layout.variant_file(role, v)] = (record["ort"], record["ort_fixed"])
    with progress.stage("listing required operators"):
        return ort_export.required_operators_cached(inputs, cache)


def runtime_fields(t: Target, onnxruntime_version: str) -> dict:
    """The manifest's ONNX Runtime fields: ``onnxruntime_version`` (the onnxruntime that wrote and
    verified the .ort files) and ``runtime_package`` (what the app's build asks for)."""
    from packager import codegen

    return {"onnxruntime_version": ortversion.installed_version(),
            "runtime_package": {"package": codegen.language(t.language).onnxruntime.package,
                                "version": onnxruntime_version}}


def runtime_text(t: Target, runtime: dict) -> str:
    """The bundle README's words on its ONNX Runtime (``runtime``: the manifest's
    ``onnxruntime_version`` and ``runtime_package``)."""
    pin = "" if runtime["runtime_package"]["version"] == ortversion.ONNXRUNTIME_VERSION else (
        f" (chosen with `--onnxruntime-version`; packager's default is {ortversion.ONNXRUNTIME_VERSION})")
    where = {"android": "`build.gradle.kts` depends on", "ios": "`Package.swift` depends on exactly"}[t.name]
    return (f"ONNX Runtime: {where} `{runtime['runtime_package']['package']}` "
            f"{runtime['runtime_package']['version']}{pin}. The models were written and verified by onnxruntime "
            f"{runtime['onnxruntime_version']} (Python); an older runtime than that is not promised to load them.")



def write(t: Target, root: Path, files: dict[str, bytes], models: dict[str, art.Artifacts], entries: dict,
          runtime: dict, wrapper: dict, package: dict, pipeline: dict | None = None) -> dict:
    """Write a bundle's ``files`` under ``root`` (a staging folder; the wrapper's are there
    already), then its manifest, the same schema for every bundle (``manifest.check``): ONNX
    Runtime ``runtime`` (``runtime_fields``), the ``entries`` of its ``models``
    (``manifest.model_entry``), the face bundle's ``pipeline`` part (``precision``), its
    ``wrapper`` and ``package`` records.  Returns the manifest."""
    write_files(root, files)
    first = next(iter(models.values()))
    m = {
        "format": manifest.FORMAT, "target": t.name, "packager_version": __version__, **runtime,
        "ort_format_version": ort_export.ort_summary(first.ort)["format_version"],
        "models": entries, **(pipeline or {}), "required_operators": layout.OPERATORS, "wrapper": wrapper,
        "package": package,
    }
    return seal(t, root, m)


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write bundle files (relative path → bytes) under ``root``; a file already there (a wrapper
    file of the same path) is an error, never overwritten."""
    for rel, payload in files.items():
        p = root / rel
        if p.exists():
            raise PackagerError(f"bundle {root.name}: {rel} is both a wrapper file and a bundle file")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(payload)


def seal(t: Target, root: Path, m: dict) -> dict:
    """Finish a bundle: the manifest ``m`` is checked against the schema, gets the hashes of every
    file under ``root`` and is written; the bundle is read back against it.  Returns the manifest."""
    m["files"] = manifest.file_hashes(root)
    manifest.check(m)
    (root / layout.MANIFEST).write_bytes(manifest.dumps(m))
    problems = manifest.problems(root)
    if problems:
        raise PackagerError(f"bundle {t.name} does not match its manifest: {problems[:3]}")
    return m


def install_all(out: Path, targets: tuple[str, ...], write_one: Callable[[Target, Path], dict], progress: Progress,
                report: tuple[str, Callable[[dict], Path]] | None = None) -> dict[str, dict]:
    """Write each target's bundle into a staging folder (``write_one(target, folder)`` → its
    manifest), and ``report`` (name, stage(manifests) → its staged file) beside them, then swap
    them all in together (``install``): a failure leaves the previous bundles in place and no
    staging folder behind.  Returns target → manifest."""
    staged, manifests = {}, {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in targets:
            with progress.stage(f"writing the {name} bundle"):
                staged[name] = install.staging_dir(out, name)
                manifests[name] = write_one(TARGETS[name], staged[name])
        if report is not None:
            with progress.stage("writing the build report"):
                staged[report[0]] = report[1](manifests)
        with progress.stage("installing " + " and ".join(str(out / n) for n in targets)):
            try:
                install.install(staged, out, manifest.written)
            except OSError as e:
                raise PackagerError(f"installing into {out} failed ({e.strerror or e}); the previous bundles "
                                    "are in place; is another run writing there?") from None
    except OSError as e:  # a full disk, a read-only folder: the staging folders go, the old bundles stay
        raise outputs.failed(e, f"the bundles into {out}", "the previous bundles are in place") from None
    finally:
        install.discard(p for p in staged.values() if p.exists())
    return manifests
