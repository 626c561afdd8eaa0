"""The per-model runners ``packager convert`` writes (``<Module>Runner.kt`` / ``.swift``): for real
converted models (the FER+ stand-in ONNX, a two-input two-output TorchScript model the test
traces), the runner's tensors are the ``.ort``'s own (onnxruntime reads them), the Kotlin runner and
the runtime pieces beside it compile with kotlinc against the Android / ONNX Runtime stand-ins and
run on the JVM against the test doubles of ``ai.onnxruntime`` (tests/kotlin/fakes); the Swift
runner with its pieces type-checks in Swift 6 mode against the ONNX Runtime stand-in modules and
runs on Linux against the fake ONNX Runtime (tests/swift/fakes); the iOS bundle's package
(``<out>/ios/<Module>/``) builds offline as a dependency of an app package, ONNX Runtime's Swift
package mirrored to a local fake (tests/swiftbuild.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from packager_cli import packager

import standins
import swiftbuild
from packager import codegen
from packager.codegen import kotlin as kotlin_settings
from packager.codegen import swift as swift_settings
from packager.parity import kotlin_harness, swift_harness
from test_convert_any import _torchscript

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "android_wrapper" / "standins"
FAKES = ROOT / "tests" / "kotlin" / "fakes"
MODULES = {"ferplus": "Ferplus", "traced": "Traced"}


def kotlin_dir(module: str) -> str:
    """The Kotlin source folder of a convert module: its own package's (dev/packager/<module>)."""
    return kotlin_settings.package_dir(kotlin_settings.runner_package(module))


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    """name → the folder holding its android/ and ios/ bundles."""
    tmp = tmp_path_factory.mktemp("runners")
    rng = np.random.default_rng(3)
    gray, image, scale = tmp / "gray.npy", tmp / "image.npy", tmp / "scale.npy"
    np.save(gray, rng.uniform(0, 255, (1, 1, 64, 64)).astype(np.float32))
    np.save(image, rng.uniform(0, 1, (1, 3, 32, 32)).astype(np.float32))
    np.save(scale, np.full((1, 1), 2.0, np.float32))
    runs = {"ferplus": (standins.write_ferplus(tmp / "ferplus.onnx"), ["-i", gray]),
            "traced": (_torchscript(tmp / "traced.pt"), ["-i", f"scale={scale}", "-i", image])}
    out = {}
    for name, (model, args) in runs.items():
        r = packager("convert", model, *args, "--out", tmp / name)
        assert r.returncode == 0, r.stderr
        out[name] = tmp / name
    return out


def _declared(bundle: Path, name: str) -> tuple[list, list]:
    """(inputs, outputs) of the bundle's .ort as onnxruntime reads them: [(name, shape)]."""
    m = json.loads((bundle / "manifest.json").read_text())["models"][name]
    sess = ort.InferenceSession(str(bundle / m["artifacts"]["fp32"]["file"]), providers=["CPUExecutionProvider"])
    return ([(i.name, list(i.shape)) for i in sess.get_inputs()], [(o.name, list(o.shape)) for o in sess.get_outputs()])


def _kotlin_specs(text: str, which: str) -> list:
    block = re.search(rf"val {which}: List<TensorSpec> = listOf\((.*?)\n        \)", text, re.S).group(1)
    return [(json.loads(n), [int(d) for d in dims.split(",")])
            for n, dims in re.findall(r'TensorSpec\(("(?:[^"\\]|\\.)*"), listOf\(([^)]*)\)\)', block)]


def _swift_specs(text: str, which: str) -> list:
    block = re.search(rf"static let {which}: \[TensorSpec\] = \[(.*?)\n  \]", text, re.S).group(1)
    return [(json.loads(n), [int(d) for d in dims.split(",")])
            for n, dims in re.findall(r'TensorSpec\(name: ("(?:[^"\\]|\\.)*"), shape: \[([^\]]*)\]\)', block)]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_runner_tensors_are_the_models_own(bundles, name):
    """The runner's inputs and outputs are the .ort's names, order and shapes (all static)."""
    module = MODULES[name]
    for target, path, parse in (("android", f"{kotlin_dir(module)}/{module}Runner.kt", _kotlin_specs),
                                ("ios", f"{module}/Sources/{module}/{module}Runner.swift", _swift_specs)):
        bundle = bundles[name] / target
        text = (bundle / path).read_text()
        inputs, outputs = _declared(bundle, name)
        assert all(isinstance(d, int) for _, shape in inputs + outputs for d in shape), (inputs, outputs)
        which = ("INPUTS", "OUTPUTS") if target == "android" else ("inputs", "outputs")
        assert parse(text, which[0]) == inputs
        assert parse(text, which[1]) == outputs
        # the sample files it names are the bundle's (by file name: the app copies them where it likes)
        m = json.loads((bundle / "manifest.json").read_text())["models"][name]["samples"]
        for rel in list(m["inputs"].values()) + list(m["outputs"].values()):
            assert f'"{Path(rel).name}"' in text, rel
        assert "0.0001" in text and m["self_check"]["tolerance"] == 1e-4


@pytest.mark.parametrize("name", sorted(MODULES))
def test_runtime_pieces_are_copied_byte_for_byte_but_their_package(bundles, name):
    """The bundle's code is the runner and the runtime pieces it uses (the Android module's Gradle
    and manifest files among them), each a copy of the runtime library's file: byte for byte in
    Swift; in Kotlin byte for byte but for one line, the package line of a source (``package
    dev.packager.<module>``) or the Gradle file's ``namespace``, the module's own package."""
    module = MODULES[name]
    package = kotlin_settings.runner_package(module)
    assert package == f"dev.packager.{module.lower()}"
    for target, lang, folder in (("android", "kotlin", kotlin_dir(module)), ("ios", "swift", f"{module}/Sources/{module}")):
        settings = codegen.language(lang)
        bundle = bundles[name] / target
        sources = sorted(p.name for p in (bundle / folder).iterdir() if p.is_file())
        pieces = sorted(Path(rel).name for rel in settings.runner_runtime if rel.endswith((".kt", ".swift")))
        assert sources == sorted(pieces + [f"{module}Runner.{'kt' if lang == 'kotlin' else 'swift'}"])
        for rel in settings.runner_runtime:
            copied = (bundle / settings.runner_path(module, Path(rel).name)).read_bytes()
            original = (codegen.RUNTIME / rel).read_bytes()
            if lang == "swift" or not rel.endswith((".kt", ".gradle.kts")):
                assert copied == original, rel
                continue
            old, new = original.decode().splitlines(True), copied.decode().splitlines(True)
            changed = [(a, b) for a, b in zip(old, new) if a != b]
            expected = ((f"package {kotlin_settings.PACKAGE}\n", f"package {package}\n") if rel.endswith(".kt") else
                        (f'    namespace = "{kotlin_settings.PACKAGE}"\n', f'    namespace = "{package}"\n'))
            assert len(old) == len(new) and changed == [expected], rel
    android = bundles[name] / "android"
    assert {"build.gradle.kts", "consumer-rules.pro", "src/main/AndroidManifest.xml"} <= {
        p.relative_to(android).as_posix() for p in android.rglob("*") if p.is_file()}
    assert not (android / kotlin_settings.SOURCE_DIR).exists()  # nothing in the face module's package


def _dump(package: Path) -> dict:
    done = subprocess.run([swift_harness.swift(), "package", "dump-package", "--manifest-cache", "none", "--package-path", str(package)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ["traced"])
def test_the_ios_bundle_is_a_swift_package_that_builds(bundles, name, tmp_path):
    """``<out>/ios/<Module>/Package.swift`` declares the library <Module> with its model processed
    into Bundle.module and ONNX Runtime's Swift package as a plain dependency (no trait), at the
    exact version the face bundle's pipeline package pins; an app package depending on it by path
    builds offline with no flag (the .ort copied into the resource bundle), and its Swift is
    lint-clean."""
    module, bundle = MODULES[name], bundles[name] / "ios"
    assert sorted(p.name for p in bundle.iterdir() if p.is_dir()) == sorted([module, "samples"])
    package = bundle / module
    m = _dump(package)
    [target] = m["targets"]
    assert target["name"] == module and [p["name"] for p in m["products"]] == [module]
    assert target["resources"] == [{"path": "Resources", "rule": {"process": {}}}]
    assert target["settings"] == [{"kind": {"define": {"_0": "PACKAGE_RESOURCES"}}, "tool": "swift"}]
    assert target["dependencies"] == [{"product": ["onnxruntime", "onnxruntime-swift-package-manager", None, None]}]
    assert m.get("traits", []) == []
    [dep] = m["dependencies"]
    assert dep["sourceControl"][0]["requirement"] == {"exact": [swift_settings.ort_package_version()]}
    repo = swiftbuild.fake_ort_repo(tmp_path / "onnxruntime-swift-package-manager", swift_settings.ort_package_version())
    app = swiftbuild.app_package(tmp_path / "app", {module: package},
                                 f"import {module}\nprint({module}Runner.modelFile, {module}Runner.inputs.count)\n")
    build = swiftbuild.build_offline(app, repo, tmp_path)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert list((tmp_path / "build").rglob(f"{module}_{module}.resources/{name}.ort")), "the model is a resource of the built package"
    files = [str(p) for p in package.rglob("*.swift")]
    lint = subprocess.run([swift_harness.swift(), "format", "lint", "--strict", "--configuration", str(swift_harness.WRAPPER / ".swift-format"),
                           *files], capture_output=True, text=True, timeout=600)
    assert lint.returncode == 0 and not lint.stderr.strip(), lint.stderr[-3000:]


def _kotlinc(sources: list[Path], out: Path) -> subprocess.CompletedProcess:
    java, compiler, stdlib = kotlin_harness.toolchain()
    cmd = [java, "-Xss8m", "-cp", str(compiler), "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler", "-no-stdlib", "-no-reflect",
           "-classpath", str(stdlib), "-jvm-target", "17", *map(str, sources), str(STANDINS), "-d", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kotlin_harness.COMPILE_TIMEOUT)


#: Runs a generated runner (RUNNER: its class) on the fakes' scripted model; prints JSON.
DRIVER = """\
import android.content.Context
import android.content.res.AssetManager
import PACKAGE.*
import java.io.File

fun outcome(block: () -> Any?): String = try {
    "ok " + block().toString()
} catch (e: PackagerException) {
    e.javaClass.simpleName + ": " + e.message
}

fun main(args: Array<String>) {
    System.setProperty("fake.assets", args[0])
    val context = object : Context() {
        override fun getAssets(): AssetManager = AssetManager::class.java.getDeclaredConstructor().newInstance()
    }
    val lines = mutableListOf<String>()
    RUNNER.fromAssets(context).use { runner ->
        lines += "provider " + runner.session.providerInUse
        lines += "samples " + outcome { runner.selfCheck(File(args[1])) }
        lines += "drifted " + outcome { runner.selfCheck(File(args[2])) }
        lines += "assets " + outcome { runner.selfCheck(context, "samples/") }
        lines += "missing " + outcome { runner.selfCheck(context) }
        val feed = RUNNER.INPUTS.associate { it.name to FloatArray(it.size) { 1f } }
        lines += "run " + outcome { runner.run(feed).mapValues { it.value.take(2) } }
        lines += "wrong " + outcome { runner.run(mapOf("nope" to FloatArray(1))) }
    }
    lines += "cpu " + outcome {
        RUNNER.fromAssets(context, SessionSettings(Provider.Cpu)).use { it.selfCheck(File(args[1])) }
    }
    File(args[3]).writeText(lines.joinToString("\\n"))
}
"""


def _fake_outputs(inputs: dict[str, np.ndarray], outputs: list) -> dict[str, np.ndarray]:
    """The fake model's rule (tests/kotlin/fakes FakeModel.java): every output value j = mean of
    all input values (float64, then float32) + j / 1000."""
    values = np.concatenate([x.astype(np.float64).ravel() for x in inputs.values()])
    mean = np.float32(values.sum() / values.size)
    return {n: (mean + np.arange(int(np.prod(s)), dtype=np.float32) / np.float32(1000)).reshape(s) for n, s in outputs}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_kotlin_runner_compiles_and_runs_on_the_fakes(bundles, name, tmp_path):
    """kotlinc compiles the bundle's Kotlin sources (runner + runtime pieces, nothing else) against
    the stand-ins; run against the fakes, the runner opens its asset on NNAPI, passes the
    self-check on samples that fit, fails it on drifted ones, and names what is missing."""
    bundle = bundles[name] / "android"
    module = MODULES[name]
    sources = sorted((bundle / kotlin_dir(module)).glob("*.kt"))
    driver = tmp_path / "Driver.kt"
    driver.write_text(DRIVER.replace("RUNNER", f"{module}Runner").replace("PACKAGE", kotlin_settings.runner_package(module)))
    done = _kotlinc([*sources, driver], tmp_path / "classes")
    assert done.returncode == 0, done.stdout + done.stderr
    # The fake "model" declares the .ort's own tensors; samples follow the fake's rule.
    inputs, outputs = _declared(bundle, name)
    m = json.loads((bundle / "manifest.json").read_text())["models"][name]["samples"]
    assets, good, drifted = tmp_path / "assets", tmp_path / "good", tmp_path / "drifted"
    for d in (assets / "samples", good, drifted):
        d.mkdir(parents=True)
    (assets / f"{name}.ort").write_text(json.dumps({"inputs": dict(inputs), "outputs": dict(outputs)}))
    feeds = {n: np.load(bundle / m["inputs"][n]) for n, _ in inputs}
    for n, x in feeds.items():
        for d in (assets / "samples", good, drifted):
            np.save(d / Path(m["inputs"][n]).name, x)
    for n, y in _fake_outputs(feeds, outputs).items():
        file = Path(m["outputs"][n]).name
        np.save(good / file, y)
        np.save(assets / "samples" / file, y)
        np.save(drifted / file, y + np.float32(1e-3) * max(1.0, float(np.abs(y).max())))
    fakes = tmp_path / "fakes"
    javac = subprocess.run(["javac", "-d", str(fakes), *map(str, FAKES.rglob("*.java"))], capture_output=True, text=True, timeout=300)
    assert javac.returncode == 0, javac.stderr
    java, _, stdlib = kotlin_harness.toolchain()
    report = tmp_path / "report.txt"
    run = subprocess.run([java, "-cp", f"{fakes}:{tmp_path / 'classes'}:{stdlib}", "DriverKt", str(assets), str(good),
                          str(drifted), str(report)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = dict(line.split(" ", 1) for line in report.read_text().splitlines())
    assert lines["provider"] == "NNAPI"
    passed = re.compile(rf"ok SelfCheckResult\(model={name}, provider=CPU, scaledDiff=0\.0, tolerance=1\.0E-4, "
                        r"acceleratorProvider=NNAPI, acceleratorScaledDiff=0\.0\)")
    assert passed.fullmatch(lines["samples"]) and passed.fullmatch(lines["assets"]), lines
    drift = float(re.search(r"provider=CPU, scaledDiff=([^,]+), tolerance=1\.0E-4", lines["drifted"]).group(1))
    assert 9e-4 < drift < 1.1e-3, lines["drifted"]  # judged against 1e-4: a failed check
    first_output = Path(m["inputs"][inputs[0][0]]).name
    assert lines["missing"].startswith(f"InvalidFileException: {first_output} cannot be read"), lines["missing"]
    assert "the self-check needs the bundle's samples" in lines["missing"]
    expected_run = {n: [round(1 + j / 1000, 6) for j in range(min(2, int(np.prod(s))))] for n, s in outputs}
    got_run = {k: [round(float(v), 6) for v in vs.strip("[]").split(", ")]
               for k, vs in re.findall(r"(\w+)=(\[[^\]]*\])", lines["run"])}
    assert got_run == expected_run, lines["run"]
    assert lines["wrong"].startswith("InvalidTensorException: model " + name), lines["wrong"]
    assert re.fullmatch(r"ok SelfCheckResult\(.*acceleratorProvider=null, acceleratorScaledDiff=null\)", lines["cpu"]), lines["cpu"]


#: Uses the runner as an app would (file of the module: `Bundle.module` is the package's).
SWIFT_USE = """\
import Foundation

extension Bundle {
  static var module: Bundle { Bundle.main }
}

func useRunner(_ url: URL, _ samples: URL) throws -> Bool {
  let runner = try RUNNER(settings: SessionSettings(provider: .cpu))
  let other = try RUNNER(model: url)
  defer { other.close() }
  let feed = Dictionary(uniqueKeysWithValues: RUNNER.inputs.map { ($0.name, [Float](repeating: 0, count: $0.count)) })
  let out: [String: [Float]] = try runner.run(feed)
  let check: SelfCheckResult = try runner.selfCheck(samplesIn: samples)
  _ = try runner.session.selfCheck(samplesIn: samples)
  runner.close()
  return check.passed && !out.isEmpty && Recipes.selfCheckTolerance == 1e-4
}
"""


@pytest.mark.parametrize("name", sorted(MODULES))
def test_swift_runner_typechecks_in_swift_6(bundles, name, tmp_path):
    """The bundle's Swift sources (runner + runtime pieces, nothing else) type-check in Swift 6
    mode with warnings as errors against the ONNX Runtime stand-in module, with Bundle.module
    (-D PACKAGE_RESOURCES, as the package defines it) used as an app would; without ONNX Runtime
    they do not compile (no trait: nothing compiles away)."""
    module = MODULES[name]
    sources = sorted((bundles[name] / "ios" / module / "Sources" / module).glob("*.swift"))
    mod = swiftbuild.stand_ins(tmp_path / "modules", ["os", swiftbuild.ORT_MODULE])
    use = tmp_path / "Use.swift"
    use.write_text(SWIFT_USE.replace("RUNNER", f"{module}Runner"))
    done = subprocess.run([swiftbuild.swiftc(), "-typecheck", "-warnings-as-errors", "-swift-version", "6", "-I", str(mod),
                           "-D", "PACKAGE_RESOURCES", "-module-name", module, *map(str, sources), str(use)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    bare = subprocess.run([swiftbuild.swiftc(), "-typecheck", "-swift-version", "6", "-module-name", module, *map(str, sources), str(use)],
                          capture_output=True, text=True, timeout=600)
    assert bare.returncode != 0 and "no such module 'OnnxRuntimeBindings'" in bare.stderr


def test_a_runner_that_does_not_fit_its_module_does_not_compile(bundles, tmp_path):
    """The compile is real: a runner calling a member the runtime lacks is refused."""
    bundle = bundles["ferplus"] / "android"
    sources = sorted((bundle / kotlin_dir("Ferplus")).glob("*.kt"))
    broken = tmp_path / "Broken.kt"
    broken.write_text("package dev.packager.ferplus\nfun f(r: FerplusRunner) = r.session.notAMember\n")
    done = _kotlinc([*sources, broken], tmp_path / "classes")
    assert done.returncode != 0 and "notAMember" in done.stdout + done.stderr


def test_the_bundle_readme_tells_how_to_use_the_runner(bundles):
    for target, entry in (("android", "FerplusRunner.fromAssets(context)"), ("ios", "FerplusRunner()")):
        text = (bundles["ferplus"] / target / "README.md").read_text()
        assert entry in text and "no build file" not in text
        assert "copy `samples/` where the app can read them" in text
    android = (bundles["ferplus"] / "android" / "README.md").read_text()
    assert "package `dev.packager.ferplus`" in android and "compose in one app without duplicate classes" in android
    assert "Package.swift" in (bundles["ferplus"] / "ios" / "README.md").read_text()


#: Runs a generated Swift runner (RUNNER) on the fake ONNX Runtime (tests/swift/fakes): the model
#: at argv[1] declares DECLARED (the .ort's own tensors, from onnxruntime); its "CPU" computes the
#: fakes' rule of the Kotlin test, its "CoreML" adds 1e-3 to every value (float16 stands in).
SWIFT_DRIVER = """\
import Foundation
import OnnxRuntimeBindings

let args = CommandLine.arguments
let url = URL(fileURLWithPath: args[1])
let declared: (inputs: [String: [Int]], outputs: [String: [Int]]) = DECLARED
Fake.models[url.path] = FakeModel(inputs: declared.inputs, outputs: declared.outputs) { inputs in
  let all = inputs.values.flatMap { $0 }
  let mean = Float(all.reduce(0.0) { $0 + Double($1) } / Double(all.count))
  return declared.outputs.mapValues { shape in
    (0..<shape.reduce(1, *)).map { mean + Float($0) / 1000 }
  }
}
Fake.coreMLError = 1e-3

func outcome(_ body: () throws -> String) -> String {
  do { return "ok " + (try body()) } catch { return "error \\(error)" }
}
func describe(_ r: SelfCheckResult) -> String {
  "\\(r.provider) \\(r.passed) \\(r.scaledDiff) \\(r.acceleratorProvider ?? "-") \\(r.acceleratorScaledDiff ?? -1)"
}
var lines: [String] = []
let runner = try RUNNER(model: url)
lines.append("provider \\(runner.session.providerInUse)")
lines.append("samples " + outcome { describe(try runner.selfCheck(samplesIn: URL(fileURLWithPath: args[2]))) })
lines.append("drifted " + outcome { describe(try runner.selfCheck(samplesIn: URL(fileURLWithPath: args[3]))) })
lines.append("missing " + outcome { describe(try runner.selfCheck(samplesIn: url.deletingLastPathComponent())) })
let ones = Dictionary(uniqueKeysWithValues: RUNNER.inputs.map { ($0.name, [Float](repeating: 1, count: $0.count)) })
lines.append("run " + outcome {
  let out = try RUNNER(model: url, settings: SessionSettings(provider: .cpu)).run(ones)
  return RUNNER.outputs.map { "\\($0.name)=\\(Array((out[$0.name] ?? []).prefix(2)))" }.joined(separator: " ")
})
lines.append("wrong " + outcome { "\\(try runner.run(["nope": [1]]))" })
runner.close()
lines.append("closed " + outcome { "\\(try runner.run(ones))" })
try lines.joined(separator: "\\n").write(toFile: args[4], atomically: true, encoding: .utf8)
"""


@pytest.mark.parametrize("name", ["traced"])
def test_swift_runner_runs_on_the_fake_onnx_runtime(bundles, name, tmp_path):
    """The bundle's Swift sources with the fake ONNX Runtime, built and run on Linux: Core ML by
    default, the self-check judged on the CPU (Core ML's difference reported), drifted samples
    fail, a missing sample is named, runs by name, a closed runner refuses."""
    module, bundle = MODULES[name], bundles[name] / "ios"
    swiftc = swiftbuild.swiftc()
    mod = swiftbuild.fake_ort_library(tmp_path / "modules")
    inputs, outputs = _declared(bundle, name)

    def literal(specs):
        return "[" + ", ".join(f'"{n}": [{", ".join(map(str, s))}]' for n, s in specs) + "]"

    main = tmp_path / "main.swift"
    main.write_text(SWIFT_DRIVER.replace("RUNNER", f"{module}Runner")
                    .replace("DECLARED", f"({literal(inputs)}, {literal(outputs)})"))
    exe = tmp_path / "runner-checks"
    sources = sorted((bundle / module / "Sources" / module).glob("*.swift"))
    build = subprocess.run([swiftc, "-swift-version", "6", "-I", str(mod), "-L", str(mod),
                            "-lOnnxRuntimeBindings", "-module-name", module, *map(str, sources), str(main), "-o", str(exe)],
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-6000:]
    m = json.loads((bundle / "manifest.json").read_text())["models"][name]["samples"]
    model, good, drifted = tmp_path / "model" / f"{name}.ort", tmp_path / "good", tmp_path / "drifted"
    for d in (model.parent, good, drifted):
        d.mkdir()
    model.write_bytes(b"fake")
    feeds = {n: np.load(bundle / m["inputs"][n]) for n, _ in inputs}
    for n, x in feeds.items():
        for d in (good, drifted):
            np.save(d / Path(m["inputs"][n]).name, x)
    for n, y in _fake_outputs(feeds, outputs).items():
        np.save(good / Path(m["outputs"][n]).name, y)
        np.save(drifted / Path(m["outputs"][n]).name, y + np.float32(1e-3) * max(1.0, float(np.abs(y).max())))
    report = tmp_path / "report.txt"
    run = subprocess.run([str(exe), str(model), str(good), str(drifted), str(report)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in report.read_text().splitlines())
    assert lines["provider"] == "CoreML"
    ok, provider, passed, diff, accel, accel_diff = lines["samples"].split(" ")
    assert (ok, provider, passed, accel) == ("ok", "CPU", "true", "CoreML"), lines["samples"]
    assert float(diff) <= 1e-6 and 5e-4 < float(accel_diff) < 2e-3, lines["samples"]
    ok, provider, passed, diff, *_ = lines["drifted"].split(" ")
    assert (ok, provider, passed) == ("ok", "CPU", "false") and 9e-4 < float(diff) < 1.1e-3, lines["drifted"]
    first = Path(m["inputs"][inputs[0][0]]).name
    assert lines["missing"].startswith("error invalid file: cannot read") and first in lines["missing"], lines["missing"]
    expected = " ".join(f"{n}={[1.0 + j / 1000 for j in range(min(2, int(np.prod(s))))]}" for n, s in outputs)
    assert lines["run"] == "ok " + expected, lines["run"]
    assert lines["wrong"].startswith("error invalid tensor: ") and "nope" in lines["wrong"], lines["wrong"]
    assert lines["closed"].startswith("error closed: the session of") and "closed" in lines["closed"], lines["closed"]
