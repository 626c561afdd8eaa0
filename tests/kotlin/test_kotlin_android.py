"""The Android-only runtime files (adapters, ONNX Runtime glue) and the code of the module's API
reference (android_wrapper/API.md: its CameraX analyzer, options, self-check) compile, with the
project's Kotlin compiler, against the
compile-only stand-ins of the Android, CameraX and ONNX Runtime classes they use
(android_wrapper/standins/, Java with the real signatures); its Java usage compiles with
javac against the result; the stand-ins are never part of a bundle. (The sample app, sample/, is
compiled as an app would compile it, against a bundle's classes: tests/export/test_android_app.py.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from packager import codegen
from packager.codegen import kotlin as settings
from packager.parity import kotlin_harness

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "android_wrapper" / "standins"
README = ROOT / "android_wrapper" / "README.md"
API = ROOT / "android_wrapper" / "API.md"


def readme_block(marker: str, language: str = "kotlin") -> str:
    """The one API.md code block in ``language`` that contains ``marker``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", API.read_text(), re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"API.md shows one {language} block with {marker}"
    return found[0]


def readme_analyzer() -> str:
    """API.md's Kotlin block that implements ImageAnalysis.Analyzer."""
    return readme_block("ImageAnalysis.Analyzer")


def compile_with_standins(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    """Every rendered .kt file of the module (core and Android-only; not the sample app) plus
    ``extra``, against the stand-ins."""
    java, compiler, stdlib = kotlin_harness.toolchain()
    src = tmp_path / "src"
    src.mkdir()
    files = {p.rsplit("/", 1)[-1]: t for p, t in codegen.render("kotlin").items()
             if p.endswith(".kt") and not settings.is_sample(p)}
    for name, text in {**files, **extra}.items():
        (src / name).write_text(text)
    cmd = [java, "-Xss8m", "-cp", str(compiler), "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler",
           "-no-stdlib", "-no-reflect", "-classpath", str(stdlib), "-jvm-target", "17",
           str(src), str(STANDINS), "-d", str(tmp_path / "classes")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kotlin_harness.COMPILE_TIMEOUT)


#: What API.md's options block (a fragment) needs to compile as a function body.
README_OPTIONS_IMPORTS = ("import ai.onnxruntime.OrtSession\nimport ai.onnxruntime.providers.NNAPIFlags\n"
                          "import dev.packager.face.*\nimport java.util.EnumSet\n\n")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> subprocess.CompletedProcess:
    return compile_with_standins(tmp_path_factory.mktemp("android"), {
        "ReadmeAnalyzer.kt": readme_analyzer(),
        "ReadmeOptions.kt": README_OPTIONS_IMPORTS + "fun readmeOptions() {\n" + readme_block("configureSession = {") + "}\n",
        "ReadmeSelfCheck.kt": "import android.content.Context\nimport android.util.Log\nimport dev.packager.face.*\n\n"
                              "fun readmeSelfCheck(pipeline: FaceEmotionPipeline, context: Context) {\n"
                              + readme_block("pipeline.selfCheck(context)") + "}\n",
        "ReadmeVideo.kt": "import android.content.Context\nimport android.util.Log\nimport androidx.camera.core.ImageProxy\n"
                          "import dev.packager.face.*\n\nfun readmeVideo(context: Context, image: ImageProxy) {\n"
                          + readme_block("FaceVideoPipeline(") + "}\n",
    })


def test_android_files_and_readme_analyzer_compile(compiled):
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    classes = {p.name for p in Path(compiled.args[-1]).rglob("*.class")}
    # The Android-only files and the README's analyzer were compiled, not skipped.
    assert {"FrameAdaptersKt.class", "ImageAdaptersKt.class", "FaceEmotionPipeline.class",
            "ModelSession.class", "FaceEmotionAnalyzer.class", "FaceVideoPipeline.class", "ReadmeVideoKt.class",
            "ReadmeOptionsKt.class", "ReadmeSelfCheckKt.class"} <= classes
    # The Java stand-ins are read for their signatures only: none of them is emitted.
    assert not {p.stem + ".class" for p in STANDINS.rglob("*.java")} & classes


def test_the_standins_are_what_the_files_compile_against(tmp_path):
    """A member the real ImageProxy lacks does not compile: nothing else resolves these classes."""
    done = compile_with_standins(tmp_path, {
        "Broken.kt": "import androidx.camera.core.ImageProxy\nfun f(i: ImageProxy) = i.planes[0].notAMember\n",
    })
    assert done.returncode != 0 and "notAMember" in done.stdout + done.stderr


def test_standins_are_not_shipped():
    rendered = codegen.render("kotlin")
    assert not any("standins" in p or p.endswith(".java") for p in rendered)
    assert set(settings.ANDROID_ONLY) <= {p.rsplit("/", 1)[-1] for p in rendered}


def test_the_readme_java_usage_compiles(compiled, tmp_path):
    """The README's Java block, in a method of a Java class, compiles with javac against the
    compiled module: the overloads (@JvmOverloads), the checked PackagerException (@Throws,
    caught) and the extension functions as static methods are what Java callers see."""
    assert compiled.returncode == 0
    body = readme_block("FaceEmotionPipeline.fromAssets", "java")
    src = tmp_path / "ReadmeJava.java"
    src.write_text(
        "import android.content.Context;\nimport android.graphics.Bitmap;\nimport android.util.Log;\n"
        "import dev.packager.face.*;\n\n"
        "class ReadmeJava {\n    static void example(Context context, Bitmap bitmap) {\n"
        + body + "    }\n}\n")
    _, _, stdlib = kotlin_harness.toolchain()
    done = subprocess.run(["javac", "-cp", f"{compiled.args[-1]}:{stdlib}", "-sourcepath", str(STANDINS),
                           "-d", str(tmp_path / "classes"), str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "classes" / "ReadmeJava.class").is_file()


def test_the_java_usage_must_catch_the_library_exception(compiled, tmp_path):
    """Without the catch, javac refuses: PackagerException is checked and declared."""
    src = tmp_path / "Uncaught.java"
    src.write_text("import android.content.Context;\nimport dev.packager.face.*;\n"
                   "class Uncaught {\n    static void f(Context c) { FaceEmotionPipeline.fromAssets(c).close(); }\n}\n")
    _, _, stdlib = kotlin_harness.toolchain()
    done = subprocess.run(["javac", "-cp", f"{compiled.args[-1]}:{stdlib}", "-sourcepath", str(STANDINS),
                           "-d", str(tmp_path / "classes"), str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "PackagerException" in done.stderr, done.stderr


#: Every public constructor, factory and function that throws a PackagerException for bad input or
#: options, called from Java inside its own ``try { … } catch (PackagerException e)``: javac refuses
#: such a catch ("never thrown in body of corresponding try statement") unless the callee declares
#: it (@Throws), since PackagerException extends Exception (a checked exception for Java).
JAVA_THROWERS = """
        new PipelineOptions(0.5, 0.3, 0);
        new SessionSettings(Provider.Cpu.INSTANCE, true, -1);
        new FaceEmotionSteps(det, emo, 0);
        steps.run(new int[0], 0, 0, in -> null, in -> null);
        steps.run(frame, in -> null, in -> null);
        new Anchors(0, List.of(8), 2, 0.5);
        new DetectorRecipe(d.getName(), d.getInputName(), d.getInputShape(), d.getRegressorsName(),
            d.getClassificatorsName(), d.getScale(), d.getNormScale(), d.getNormOffset(), d.getFill(), d.getAnchors(),
            d.getNumKeypoints(), d.getKeypointNames(), d.getKeypointMirror(), d.getScoreClip(), d.getMinScore(),
            d.getIouThreshold(), d.getResize());
        new EmotionRecipe(e.getName(), e.getInputName(), e.getInputShape(), e.getOutputName(), e.getLayout(),
            e.getColor(), e.getResize(), e.getScale(), e.getMean(), e.getCropScale(), e.getFill(),
            e.getOutputsAreLogits(), List.of());
        new TensorSpec("x", List.of(0));
        CameraFrame.argb(new int[0], 0, 0);
        CameraFrame.rgba(ByteBuffer.allocate(0), 0, 0);
        CameraFrame.bgra(ByteBuffer.allocate(0), 0, 0);
        CameraFrame.yuv(ByteBuffer.allocate(0), ByteBuffer.allocate(0), ByteBuffer.allocate(0), 1, 1, 1, 0, 0);
        FrameAdaptersKt.toCameraFrame(proxy, false);
        FrameAdaptersKt.toCameraFrame(image, 0, false);
        ImageAdaptersKt.preprocess(det, bitmap, 0, false);
        ImageAdaptersKt.preprocess(emo, bitmap, face, 0, false);
        ImageAdaptersKt.preprocess(emo, bitmap, face.getBox(), 0, false);
        tracker.update(List.of(), List.of(), 0L);
        new Npy(List.of(2), new float[1]);
        SelfCheckKt.scaledDiff(new float[1], new float[2]);
        det.preprocess(new int[0], 0, 0);
        emo.postprocess(new float[0]);
"""


def test_java_can_catch_the_library_exception_where_it_is_thrown(compiled, tmp_path):
    assert compiled.returncode == 0
    calls = [c.strip() for c in re.split(r";\n", JAVA_THROWERS) if c.strip()]
    body = "".join(f"        try {{ {c}; }} catch (PackagerException x) {{ }}\n" for c in calls)
    src = tmp_path / "Catches.java"
    src.write_text(
        "import android.graphics.Bitmap;\nimport android.media.Image;\nimport androidx.camera.core.ImageProxy;\n"
        "import dev.packager.face.*;\nimport java.nio.ByteBuffer;\nimport java.util.List;\n\n"
        "class Catches {\n    static void all(Bitmap bitmap, ImageProxy proxy, Image image, FaceDetectionWrapper det,\n"
        "            FaceEmotionRecognitionWrapper emo, FaceEmotionSteps steps, CameraFrame frame, Face face,\n"
        "            FaceTracker tracker, DetectorRecipe d, EmotionRecipe e) {\n" + body + "    }\n}\n")
    _, _, stdlib = kotlin_harness.toolchain()
    done = subprocess.run(["javac", "-cp", f"{compiled.args[-1]}:{stdlib}", "-sourcepath", str(STANDINS),
                           "-d", str(tmp_path / "classes"), str(src)], capture_output=True, text=True, timeout=300)
    refused = re.findall(r"Catches\.java:(\d+): error: (.*)", done.stderr)
    lines = src.read_text().splitlines()
    assert not refused, "\n".join(f"{lines[int(n) - 1].strip()}: {why}" for n, why in refused)
    assert done.returncode == 0, done.stderr


def test_the_readme_integration_steps_name_this_module():
    """The settings and dependency lines a developer pastes name the module this folder is."""
    text = README.read_text()
    standalone = (ROOT / "android_wrapper" / "settings.gradle.kts").read_text()
    name = re.search(r'rootProject\.name = "([^"]+)"', standalone).group(1)
    assert f'include(":{name}")' in text and f'project(":{name}").projectDir = file(' in text
    assert f'implementation(project(":{name}"))' in text
    build = (ROOT / "android_wrapper" / "build.gradle.kts").read_text()
    assert f'namespace = "{settings.PACKAGE}"' in build
