"""``packager convert MODEL``: one model no recipe knows → verified Android / iOS bundles.

The same path and the same back end as ``packager build`` (``bundle``), for one model and its
sample inputs instead of the face recipes and photos: the user's model (TFLite, ONNX,
TorchScript) is converted by its front end and verified against its source runtime on the
samples (``preparation.convert_any``), then rewritten for the providers where provably
identical, turned into a Runtime-style ``.ort`` and checked against its ONNX
(``artifacts.build``), and written per target into a staging folder that is swapped in.  Where
the face bundle adds its pipeline (``facebundle``), this bundle adds the model's runner
(``runner_files``).  Bundle layout (``packager.layout``; ``<model>`` is the file
stem, ``<Module>`` its ``layout.module_name``)::

    <out>/android/   README.md, manifest.json, required_operators.config,
                     build.gradle.kts, consumer-rules.pro, src/main/AndroidManifest.xml,
                     src/main/kotlin/dev/packager/<module>/<Module>Runner.kt (+ runtime pieces,
                     moved into that package: ``codegen.kotlin.runner_package``),
                     src/main/assets/<model>.ort, samples/<model>.sample_input.npy,
                     samples/<model>.sample_output.<output>.npy
    <out>/ios/       README.md, manifest.json, required_operators.config, samples/ (as Android) and
                     the Swift package <Module>/ (folder named after its module: a unique SwiftPM
                     identity): <Module>/Package.swift, <Module>/Sources/<Module>/<Module>Runner.swift
                     (+ runtime pieces), <Module>/Sources/<Module>/Resources/<model>.ort
"""

from __future__ import annotations

from pathlib import Path

from packager import feeds, isolated, layout, ortversion, preparation
from packager.cache import Cache
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import bundle, coverage, install, int8gate, manifest, quantize
from packager.export import ort as ort_export
from packager.export.bundle import OPERATORS_LINE, runtime_text
from packager.export.summary import convert_summary
from packager.layout import Target
from packager.options import ConvertOptions
from packager.progress import Progress


def check_options(opts: ConvertOptions) -> None:
    """Everything that can be refused before the model is read: the file, its format, the targets
    and the output folder."""
    bundle.check_choices(opts.targets, opts.quantize)
    if (opts.quantize is None) != (opts.calibration is None):
        raise PackagerError("--quantize int8 needs --calibration DIR (a folder of .npy inputs), and --calibration "
                            "is only for --quantize int8")
    bundle.check_agreement(opts.min_int8_agreement)
    ortversion.runtime_version(opts.onnxruntime_version)
    preparation.check_file(opts.model)
    preparation.any_format(opts.model)
    bundle.check_out(opts.targets, opts.folder if opts.out is None else opts.out, (opts.name,))


#: The element types the bundle's runtime pieces feed and read: ``ModelSession`` (Kotlin and Swift)
#: and the runners pass float32 arrays only.
RUNTIME_TYPES = ("float32",)


def check_tensor_types(role: str, types: dict[str, str]) -> None:
    """Refuse, naming the first one, a model input or output (``role``) of an element type the
    bundle's runtime pieces cannot pass (``RUNTIME_TYPES``): the bundle would be written, and its
    ``ModelSession`` refuse the model when the app opens it."""
    for name, dtype in types.items():
        if dtype not in RUNTIME_TYPES:
            raise PackagerError(
                f"{role} {name!r} is {dtype}: the bundle's ModelSession and runner (Kotlin and Swift) pass "
                f"{' and '.join(RUNTIME_TYPES)} tensors only, so the app could not {'feed' if role == 'input' else 'read'} "
                f"it; export the model with float32 {role}s (e.g. cast inside the model)")


def output_types(onnx_bytes: bytes) -> dict[str, str]:
    """Output name → numpy element type name of an ONNX model's outputs."""
    import onnx

    model = onnx.load_from_string(onnx_bytes)
    return {o.name: onnx.helper.tensor_dtype_to_np_dtype(o.type.tensor_type.elem_type).name
            if o.type.HasField("tensor_type") else "a sequence or map" for o in model.graph.output}


def make_artifacts(opts: ConvertOptions, progress: Progress, cache: Cache) -> tuple[art.Artifacts, list[str]]:
    """The model's verified artifacts and the notes on how its samples were chosen and it was
    converted."""
    fmt = preparation.any_format(opts.model)
    # One stage for everything a bad model or sample fails on: a refusal stays the only line.
    with progress.stage(f"converting {opts.model} ({fmt}) to ONNX, verified against its source runtime on the sample"), \
            isolated.Child() as child:  # the user's file is read in a child process: a native crash is one line
        specs = preparation.declared_inputs(opts.model, child)
        samples, notes = feeds.make(specs, list(opts.samples), list(opts.shapes))
        calib, held_out = feeds.calibration(opts.calibration, samples) if opts.calibration else ([], [])
        check_tensor_types("input", {n: x.dtype.name for n, x in samples.items()})
        converted = preparation.convert_any(opts.model, samples, cache.root.parent, child)
        check_tensor_types("output", output_types(converted.onnx_path.read_bytes()))
        # the int8 gate's reference: the source runtime on the held-out inputs (int8gate)
        held_refs, crash_notes = (preparation.source_outputs(child, fmt, converted.source, held_out)
                                  if held_out else ({}, []))
    notes += [n for n in crash_notes if n not in converted.notes]
    for note in notes + list(converted.notes):
        progress.say(note)
    with progress.stage("provider rewrites, .ort, parity with the source runtime"):
        # the check inputs and the calibration inputs are real data: the rewrites are proven on them too
        checks = [f for _, f in converted.checks]
        a = art.build(opts.name, converted, [*checks, *held_out, *calib], cache, lambda ort: judge_ort(converted, ort))
    if opts.quantize == "int8":
        with progress.stage(f"int8 quantization ({len(calib)} calibration inputs) and agreement ({len(held_out)} held out)"):
            runtime = isolated.RUNTIMES.get(converted.source_runtime, converted.source_runtime)

            def against_source(_fp32: list[dict], int8_outputs: list[dict]) -> dict:
                # judged against the source runtime, not the fp32 .ort (module docstring of int8gate)
                return int8gate.agreement(held_refs, int8_outputs, runtime)

            a.int8 = art.int8(a, calib, held_out, against_source, quantize.SELF_CHECK["outputs"],
                              opts.min_int8_agreement, cache)
    return a, notes + list(converted.notes)


def judge_ort(converted: preparation.ConvertedModel, ort_bytes: bytes) -> dict:
    """The ``.ort``, as stored and with its saved runtime optimizations replayed, against the
    source runtime's kernel sets on the check inputs, by the conversion's rule
    (``convert.judge``); {"as_stored", "replayed"}: the worst case of each."""
    from packager import onnxrt
    from packager.convert import judge

    refs = preparation.load_references(converted.references)
    labels = [label for label, _ in converted.checks]
    out = {}
    for replay, key in ((False, "as_stored"), (True, "replayed")):
        sess = onnxrt.session(ort_bytes, ort_format=True, replay=replay)
        ours = [onnxrt.run(sess, f) for _, f in converted.checks]
        what = f"the .ort ({'saved optimizations replayed' if replay else 'as stored'}): output"
        out[key] = judge.judge(converted.source, list(ours[0]), labels, ours, refs,
                               isolated.RUNTIMES.get(converted.source_runtime, converted.source_runtime),
                               converted.check["steps"], what)["worst"]
    return out


def runner_context(a: art.Artifacts, onnxruntime_version: str) -> dict:
    """What the runner templates (``templates/runner_<language>/``) are rendered with: the model's
    tensors as it runs them (every dimension pinned to the sample's), its file, its samples' file
    names (``layout.package_samples``), the self-check's limit and the ONNX Runtime version the
    package asks for."""
    s = layout.package_samples(a.role, list(a.sample_inputs), list(a.sample_outputs))

    def specs(arrays: dict) -> list[dict]:
        return [{"name": n, "shape": [int(d) for d in x.shape], "size": int(x.size)} for n, x in arrays.items()]

    return {"model": a.role, "model_file": layout.model_file(a.role),
            "inputs": specs(a.sample_inputs), "outputs": specs(a.sample_outputs),
            "sample_inputs": {n: Path(f).name for n, f in s["inputs"].items()},
            "sample_outputs": {n: Path(f).name for n, f in s["outputs"].items()},
            "tolerance": ort_export.FP32_TOLERANCE, "onnxruntime_version": onnxruntime_version}


def runner_files(t: Target, a: art.Artifacts, onnxruntime_version: str) -> dict[str, bytes]:
    """The bundle's runner sources: ``<Module>Runner`` and the runtime pieces it uses."""
    from packager import codegen

    rendered = codegen.render_runner(t.language, layout.module_name(a.role), runner_context(a, onnxruntime_version))
    return {rel: text.encode() for rel, text in rendered.items()}


def readme(t: Target, a: art.Artifacts, paths: dict, runtime: dict) -> str:
    from packager import codegen

    model = layout.model_file(a.role)
    module = layout.module_name(a.role)
    settings = codegen.language(t.language)
    package = settings.runner_package(module) if settings.runner_package else None
    where = t.package_hint.format(models=layout.package_models(t, a.role), file=model, module=module,
                                  runner=f"{module}Runner")
    lines = [f"# {a.role} ({t.name})", "", where, "", runtime_text(t, runtime), "",
             f"- `{paths['fp32']}`: fp32, ONNX Runtime mobile format (Runtime optimization style); "
             + "; ".join(f"{p} {v}" for p, v in coverage.brief(a.coverage_after).items()) + ".",
             *([] if a.int8 is None else [
                 f"- `{paths['int8']}`: int8 (QDQ); agrees with {a.int8['agreement']['against']} on "
                 f"{a.int8['agreement']['percent']:.1f}% of {a.int8['agreement']['inputs']} held-out inputs "
                 f"({a.int8['agreement']['metric']}); "
                 + "; ".join(f"{p} {v}" for p, v in coverage.brief(a.int8["coverage"]).items())
                 + f". Self-check: `{layout.SAMPLES}/{a.role}.int8.sample_output.*.npy` are its outputs as written; "
                 f"compare within {a.int8['self_check']['tolerance']:g}."]),
             f"- `{layout.SAMPLES}/`: the sample input and the outputs this model gives on it, for an on-device "
             f"self-check: max |out - expected| / max(1, max |expected|) per output <= {ort_export.FP32_TOLERANCE:g}. "
             "They are not in the app's assets.",
             f"- `{module}Runner` ({f'Kotlin, package `{package}`' if t.language == 'kotlin' else 'Swift'}): "
             "opens the model (" + ("NNAPI on Android 10-14, XNNPACK otherwise" if t.language == "kotlin" else "Core ML")
             + " with CPU fallback by default, `SessionSettings`; `session.providerInUse` says what runs and "
             "`session.fallbackReason` why it is not what was asked), `run` on named float32 arrays, and `selfCheck`, "
             "which runs the sample on "
             "the CPU and compares it within the tolerance above. The samples are not in the app: copy "
             f"`{layout.SAMPLES}/` where the app can read them and pass that place ("
             + ("`selfCheck(context, \"samples/\")` for the assets, or `selfCheck(File)`" if t.language == "kotlin"
                else "`selfCheck(samplesIn: url)`") + "). Beside it are packager's runtime pieces it uses "
             "(`ModelSession`, `TensorSpec`, `Npy`, the self-check), copied as they are; it runs float32 tensors only "
             "(`packager convert` refuses a model with other inputs or outputs)"
             + (f". They are in this module's own package `{package}` (its Gradle namespace too), so the face module and "
                "any number of `packager convert` modules compose in one app without duplicate classes. No sample app: "
                "the runner takes the model's own tensors, which no camera frame is." if t.language == "kotlin" else
                "."),
             OPERATORS_LINE,
             "- `manifest.json`: inputs and outputs, the conversion check, provider coverage before and after the "
             "rewrites, parity, sha256 of every file packager wrote: a rebuild replaces those and keeps anything you "
             "add to this folder."]
    return "\n".join(lines) + "\n"

#: A ``packager convert`` bundle's package, per target (a face bundle's is ``Target.kind``).
KIND = {"android": "Android library module", "ios": "Swift package"}


def write_bundle(t: Target, root: Path, a: art.Artifacts, config: str, notes: list[str],
                 onnxruntime_version: str = ortversion.ONNXRUNTIME_VERSION) -> dict:
    """Write one complete bundle into ``root`` (a staging folder), its package asking for ONNX
    Runtime ``onnxruntime_version``; returns its manifest."""
    runtime = bundle.runtime_fields(t, onnxruntime_version)
    models = {a.role: a}
    files, paths = bundle.bundle_files(t, models, folder=lambda role: layout.package_models(t, role))
    runner = runner_files(t, a, onnxruntime_version)
    files.update(runner)
    bundle.add(files, layout.OPERATORS, config.encode())
    bundle.add(files, layout.README, readme(t, a, paths[a.role], runtime).encode())
    wrapper = {"language": t.language, "status": "generated", "folder": ".", "files": sorted(runner)}
    package = {"kind": KIND[t.name], "models": layout.package_models(t, a.role), "samples": layout.SAMPLES,
               "samples_in_app": False}
    entries = {a.role: manifest.model_entry(a, paths[a.role], notes)}
    return bundle.write(t, root, files, models, entries, runtime, wrapper, package)


def convert(opts: ConvertOptions, progress: Progress, cache: Cache | None = None) -> dict:
    """Make, verify and install the bundles; returns the summary (``summary.convert_summary``)."""
    check_options(opts)
    onnxruntime_version = ortversion.runtime_version(opts.onnxruntime_version)
    cache = cache or Cache()
    out = opts.folder
    install.remove_stale(out)
    a, notes = make_artifacts(opts, progress, cache)
    config = bundle.operators_config({a.role: a}, cache, progress)
    manifests = bundle.install_all(
        out, opts.targets, lambda t, root: write_bundle(t, root, a, config, notes, onnxruntime_version), progress)
    return convert_summary(out, a, notes, manifests, cache)
