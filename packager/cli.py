"""Command line: argparse → the package.  No logic of its own."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from packager import __version__, bench, difference, layout, ortversion, parity, recipes
from packager.errors import PackagerError
from packager.options import BenchOptions, ParityOptions, RunOptions
from packager.progress import Progress

EPILOG = """examples:
  packager run photo.jpg                       faces, keypoints and emotions of one photo
  packager run photo.jpg --annotate out.png    ... and draw them
  packager run photos/                         every image in a folder, all cores, images per second
  packager run clip.mp4 --every 5 --json       faces over time: track ids, smoothed emotions
  packager run clip.mp4 --annotate out.mp4 --csv out.csv    ... drawn on the video, and as a table
  packager run photo.jpg --emotion-recipe emotion-ferplus --emotion-model emotion-ferplus-8.onnx
  packager run group.jpg --detector blazeface-full-range    distant faces (group photos)
  packager build --target all                  Android and iOS bundles into dist/
  packager convert model.tflite -i input.npy   any one model: verified bundles into dist/model/
"""

_ANDROID, _IOS = layout.TARGETS["android"], layout.TARGETS["ios"]

BUILD_DESCRIPTION = f"""\
Convert the detector and the emotion model to ONNX Runtime's mobile format (.ort) for NNAPI
(Android) and CoreML (iOS), rewrite graphs those providers would split, verify every artifact
against its source on real photos, and write one bundle per target, ready to add to an app
without editing it:

  DIR/android   an {_ANDROID.kind}: build.gradle.kts, src/main/kotlin/ (the wrappers),
                {_ANDROID.models}/ (the .ort models, merged into the app's assets)
  DIR/ios       a {_IOS.kind}: FaceEmotion/ (the pipeline on ONNX Runtime, the one an
                app adds), FaceEmotionCore/ (the wrappers), FaceEmotionSample/ (a camera app);
                {_IOS.models}/ (the .ort models, in Bundle.module)

Each bundle also holds README.md (the integration steps), manifest.json (what every file is,
with its sha256), required_operators.config and {layout.SAMPLES}/ (per model a sample input and
the expected outputs, kept out of the app unless --self-check). DIR/report.html shows the build.
Bundles are replaced atomically: a failed build leaves the previous ones untouched; what you
added to a bundle folder (build/, .gradle/, local.properties, .build/, .swiftpm/, ...) is kept.
"""

BUILD_EPILOG = """\
examples:
  packager build                               both bundles into dist/
  packager build --quantize int8               int8 where the accelerator takes it whole (Android:
                                               NNAPI), fp32 where it would split (iOS: Core ML)
  packager build --precision ios=fp16,fp32     ship exactly these to iOS, fp16 the app's default
  packager build --self-check                  samples in the app too, for selfCheck() on the device

then, Android (settings.gradle.kts, then the app's build.gradle.kts):
  include(":face")
  project(":face").projectDir = file("dist/android")
  dependencies { implementation(project(":face")) }
iOS (Xcode): File > Add Package Dependencies... > Add Local... > dist/ios/FaceEmotion, then add
  the FaceEmotion library to the app target
"""


def _add_detector_option(p: argparse.ArgumentParser, auto: bool = False, note: str = "") -> None:
    """--detector: a detector recipe, or (``auto``) both detectors, the one that finds more."""
    ranges = (f"face detector: {', '.join(recipes.DETECTORS)} (faces that fill a good part of the frame / faces "
              "down to about a tenth of the frame width)")
    if auto:
        p.add_argument("--detector", default=recipes.AUTO_DETECTOR, choices=recipes.DETECTOR_CHOICES, metavar="D",
                       help=ranges + ", or auto (default): both, keeping per image the faces of the one that finds "
                       "more (short range on a tie)")
    else:
        p.add_argument("--detector", default=recipes.DEFAULT_DETECTOR, choices=tuple(recipes.DETECTORS), metavar="D",
                       help=ranges + "; default: %(default)s" + note)


def _add_model_options(p: argparse.ArgumentParser, auto: bool = False) -> None:
    """--detector, --emotion-recipe, --emotion-model."""
    _add_detector_option(p, auto)
    _add_emotion_options(p)


def _add_emotion_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--emotion-recipe", default=recipes.DEFAULT_EMOTION, metavar="R",
        help=f"emotion model recipe: {', '.join(recipes.EMOTIONS)} (default: %(default)s, whose weights ship with the install)",
    )
    p.add_argument(
        "--emotion-model", metavar="PATH",
        help="the recipe's model file (.tflite, .onnx, or a PyTorch state_dict/TorchScript .pt); "
        "required for emotion-ferplus and emo-affectnet, whose weights are not redistributed",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="packager",
        description="Package a face detection → crop → emotion recognition pipeline for phones: "
        "verified ONNX Runtime mobile models for NNAPI (Android) and CoreML (iOS), generated Kotlin "
        "and Swift wrappers, and the Python reference pipeline they are checked against.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"packager {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run", help="run the reference pipeline on images and videos",
        description="Detect faces (BlazeFace, see --detector) and classify each face's emotion with the "
        "reference pipeline. Prints, per face: box in pixels, score, six keypoints, emotion "
        "probabilities and the top label. The first run converts the models (a few seconds); later runs "
        "use the cache ($PACKAGER_CACHE, default ~/.cache/packager). Videos: per analysed frame the same, plus "
        "each face's track id and smoothed emotion. Exit code: 0 when every image and video was "
        "processed; 1 when some of several images could not be (in throughput mode or named one by one), or when a "
        "video broke off (each is reported on "
        "stderr and, with --json, as an entry with its error; a broken video keeps every frame read before the "
        "damage; every other result is complete); 2 when nothing was done "
        "(a bad argument, image, video, model or output path, one line on stderr). A worker process that dies in "
        "throughput mode loses nothing: its images are retried once.",
    )
    run.add_argument("images", nargs="+", metavar="IMAGE|VIDEO",
                     help="image files (anything Pillow reads) and video files (.mp4 .m4v .mov .mkv .webm .avi: H.264, "
                     "HEVC, VP9, AV1, … as PyAV's FFmpeg decodes them; the container's rotation applied); a folder or a "
                     "quoted glob pattern ('photos/**/*.jpg') selects throughput mode for images: all cores busy, a "
                     "progress bar, images per second at the end")
    run.add_argument("--json", action="store_true", help="print JSON instead of text")
    run.add_argument("--annotate", metavar="OUT.png|OUT.mp4",
                     help="write the image (.png/.jpg) or the video (.mp4: H.264, every frame, the input's frame rate) with "
                     "faces drawn on it; one input only")
    run.add_argument("--every", type=int, default=RunOptions.every, metavar="N",
                     help="videos: analyse frames 0, N, 2N, … (default: %(default)s, every frame); faces keep a track id "
                     "over time and their emotion is smoothed with a time constant in seconds, so N does not change "
                     "what the labels show")
    run.add_argument("--csv", metavar="OUT.csv",
                     help="also write one row per face per analysed frame (file, frame, time, track, box, score, label, "
                     "smoothed label, probabilities, smoothed probabilities); a frame without a face is one row with "
                     "empty face fields")
    run.add_argument("--threads", type=int, default=RunOptions.threads, metavar="N",
                     help="onnxruntime threads per model (default: %(default)s, the fastest on small models as measured by "
                     "packager bench; 0: onnxruntime's default; negative values are refused)")
    run.add_argument("--workers", type=int, metavar="N",
                     help="worker processes in throughput mode (default: one per core); more than 1 selects throughput mode")
    run.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    _add_model_options(run, auto=True)

    par = sub.add_parser(
        "parity", help="check the generated Kotlin/Swift code against the reference on your images",
        description="Run the reference pipeline on each image, then compile the generated Kotlin and/or "
        "Swift core with its harness, feed it the same pixels and model outputs, and print the largest "
        "difference per stage (input tensor, boxes, keypoints, scores, crop tensor, probabilities). "
        "Exit code 1 when any stage is outside docs/DESIGN.md's tolerances.",
    )
    par.add_argument("images", nargs="+", metavar="IMAGE|VIDEO",
                     help="image files (anything Pillow reads) and video files (as packager run reads them): each "
                     "analysed frame is an image case, and the frame sequence goes through each language's face "
                     "tracker (track ids and smoothed emotions against the reference)")
    par.add_argument("--every", type=int, default=ParityOptions.every, metavar="N",
                     help="videos: frames 0, N, 2N, … (default: %(default)s)")
    par.add_argument("--lang", choices=[*parity.LANGUAGES, "all"], default="all", help="which generated core to check (default: %(default)s)")
    par.add_argument("--frame", choices=tuple(parity.FRAMES), default=ParityOptions.frame,
                     help="feed the cores each image as this camera frame, rows padded (argb: Android Bitmap pixels; "
                     "bgra: iOS 32BGRA; yuv420: Android YUV_420_888 with pixel stride 1; nv12: iOS 420f and "
                     "semi-planar YUV_420_888; nv21: Android's usual camera layout); default: %(default)s, plain pixels")
    par.add_argument("--rotation", type=int, choices=[0, 90, 180, 270], default=ParityOptions.rotation,
                     help="clockwise degrees the frame must turn to be upright (Android rotationDegrees); default: %(default)s")
    par.add_argument("--mirrored", action="store_true", help="the upright frame is mirrored (a front camera)")
    par.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    _add_model_options(par)
    _add_bench(sub)
    _add_build(sub)
    _add_convert(sub)
    return p


CONVERT_EPILOG = """examples:
  packager convert face_landmark.tflite -i face.npy       one input, one sample
  packager convert model.onnx -i image=img.npy -i mask=mask.npy    several inputs, by name
  packager convert model.onnx --shape input=1,3,224,224   no sample: made from this shape (seed 0)
  packager convert traced.pt -i x.npy --target android --out build/models

What is checked: the ONNX model and the .ort against every kernel set of the source runtime (TFLite's
reference kernels and XNNPACK, torch, onnxruntime on the original file) on the sample, a real photo
when the input looks like an image, and random inputs: a float model within 1e-4 scale-relative, a
pre-quantized one within 1 step of each output's scale (README); each provider rewrite bit for bit
(kept only when identical and better covered); int8 against the source runtime on held-out inputs.
The bundle holds the sample and the expected outputs for a self-check on the device.
"""


def _add_convert(sub) -> None:
    c = sub.add_parser(
        "convert", help="convert any one model (TFLite, ONNX, TorchScript) into verified mobile bundles",
        description=textwrap.fill("Convert one model no recipe knows into ONNX Runtime's mobile format (.ort) for NNAPI "
        "(Android) and CoreML (iOS), verified against its source runtime on a sample input, and write one "
        "bundle per target: the .ort in the Android module's src/main/assets/ or the Swift package "
        "<Module>/ in <Module>/Sources/<Module>/Resources/, the sample input and expected outputs in samples/, "
        "required_operators.config and manifest.json (coverage per provider before and after the rewrites, "
        "the checks). Bundles are replaced atomically, keeping what you added to their folders; the same command "
        "twice writes the same bytes; an --out holding another model's bundles is refused. "
        "Exit code 2 with one line on stderr, nothing written, when the model or a sample is refused.", 96),
        epilog=CONVERT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("model", metavar="MODEL",
                   help="the model file: .tflite, .onnx (opset 7 or newer; older opsets than 13 are upgraded) or a "
                   "TorchScript .pt/.pth (torch.jit.trace(model, x).save(path); a state_dict has no architecture "
                   "and is refused)")
    c.add_argument("-i", "--input", dest="samples", action="append", default=[], metavar="NPY",
                   help="a sample input as .npy, one per model input, in the model's input order or as NAME=PATH; "
                   "its shape pins the input's dynamic dimensions. Without -i, samples are made from the model's "
                   "static shapes (uniform in [0, 1), seed 0), and the command says so")
    c.add_argument("--shape", dest="shapes", action="append", default=[], metavar="NAME=D,D,...",
                   help="the shape of an input given no sample (needed for dynamic dimensions and TorchScript)")
    c.add_argument("--target", choices=[*layout.TARGETS, "all"], default="all", help="which bundle(s) (default: %(default)s)")
    c.add_argument("--out", metavar="DIR",
                   help="output folder; bundles go to DIR/android, DIR/ios (default: dist/<model file stem>)")
    c.add_argument("--quantize", choices=["int8"],
                   help="also ship an int8 (QDQ) model, calibrated on --calibration; fails when it agrees with the "
                   "source runtime on less than --min-int8-agreement %% of the held-out inputs")
    c.add_argument("--calibration", metavar="DIR",
                   help="a folder of .npy inputs (one-input models, each of the sample's shape and dtype, at least 8): "
                   "every 4th is held out to measure the int8 model, the others calibrate it")
    c.add_argument("--min-int8-agreement", type=float, default=difference.DEFAULT_MIN_AGREEMENT, metavar="PCT",
                   help="percent of held-out inputs on which every int8 output must agree with the source runtime: "
                   "each output's mean and 99th-percentile scaled error within limits, a classifier's argmax the same "
                   "(README: packager convert) (default: %(default)g)")
    _add_onnxruntime_option(c)
    c.add_argument("--json", action="store_true", help="print the summary as JSON")
    c.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _add_onnxruntime_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--onnxruntime-version", metavar="X", help=ortversion.RULE.replace("%", "%%"))


def _add_build(sub) -> None:
    b = sub.add_parser(
        "build", help="build verified mobile bundles for Android and iOS",
        description=BUILD_DESCRIPTION, epilog=BUILD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--target", choices=[*layout.TARGETS, "all"], default="all", help="which bundle(s) (default: %(default)s)")
    b.add_argument("--out", default="dist", metavar="DIR", help="output folder; bundles go to DIR/android, DIR/ios (default: %(default)s)")
    b.add_argument("--quantize", choices=["int8"],
                   help="also make int8 (QDQ) models, calibrated on real face photos, and an fp16 variant; each "
                   "target ships a variant only where its accelerator (Android: NNAPI; iOS: Core ML ML Program and "
                   "NeuralNetwork) takes every model in one partition, and defaults to int8, else fp16, else fp32; "
                   "the summary, manifest.json and report.html say why")
    b.add_argument("--precision", action="append", metavar="[TARGET=]VARIANT,...",
                   help=f"ship exactly these variants ({', '.join(layout.VARIANTS)}) to TARGET "
                   f"({', '.join(layout.TARGETS)}; no TARGET: every target), the first being the app's default, even where they split; repeat per target, e.g. "
                   "--precision android=int8,fp32 --precision ios=fp16. fp16 is made with --quantize int8 or when "
                   "named; int8 needs --quantize int8")
    b.add_argument("--min-int8-agreement", type=float, default=difference.DEFAULT_MIN_AGREEMENT, metavar="PCT",
                   help="fail when an int8 (or fp16) model agrees with fp32 on less than PCT%% of held-out inputs "
                   "(default: %(default)g)")
    b.add_argument("--self-check", action="store_true",
                   help="also put the sample input and the expected outputs (fp32's and each shipped variant's own) "
                   "next to the models (the app's "
                   "assets / the package's resources; a few hundred kB), so the wrappers' selfCheck() can run "
                   "the models on the device and compare; without it the samples are only in the bundle's "
                   "samples/ folder, outside the app")
    _add_onnxruntime_option(b)
    b.add_argument("--json", action="store_true", help="print the summary as JSON")
    b.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    _add_model_options(b)


def _add_bench(sub) -> None:
    b = sub.add_parser(
        "bench", help="time the reference pipeline against its floor and the tools you would pick instead",
        description="In one process and one run, on the same images: the reference pipeline end to end and "
        "stage by stage, the floor (the bare onnxruntime session.run calls on the same tensors), the fer "
        "package's detect_emotions and mediapipe's FaceDetector (optional peers: pip install -e '.[bench]'; "
        "a peer that is not installed is reported as missing), cold start to the first result, throughput "
        "mode (packager run DIR on 1 worker and on one per core), video (packager run VIDEO at 640x360 and 1080p "
        "beside fer's Video.analyze; the delay the emotion smoothing adds on real footage), fp32 vs "
        "int8 artifacts, packager build cold vs warm, and the generated Kotlin/Swift pre/post. Prints "
        "medians, p90 and ratios as markdown tables, then the targets and, for a missed one, what this run's rows show "
        "about it.",
    )
    b.add_argument("images", nargs="*", metavar="IMAGE", help="images to time (default: the astronaut photo from scikit-image)")
    b.add_argument("--repeats", type=int, default=BenchOptions.repeats, metavar="N", help="timed warm runs per contender (default: %(default)s)")
    b.add_argument("--cold-repeats", type=int, default=BenchOptions.cold_repeats, metavar="N", help="fresh processes per cold-start row (default: %(default)s)")
    b.add_argument("--threads", type=int, default=BenchOptions.threads, metavar="N",
                   help="onnxruntime intra-op threads per model (default: %(default)s, chosen by measurement: "
                   "the bench shows the other setting next to it)")
    b.add_argument("--skip", action="append", default=[], choices=bench.SKIPPABLE,
                   help="leave a section out (its rows then say so); repeatable")
    b.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    b.add_argument("--html", metavar="OUT.html", help="also write the tables as charts: one self-contained page (inline SVG, no script)")
    b.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    _add_detector_option(b, note="; the other detector is timed beside it")


def dispatch(args: argparse.Namespace) -> int:
    progress = Progress(quiet=getattr(args, "quiet", False) or getattr(args, "json", False))
    if args.command == "run":
        from packager.commands import run as command

        return command.main(RunOptions(
            images=tuple(args.images), emotion_recipe=args.emotion_recipe, emotion_model=args.emotion_model,
            json=args.json, annotate=args.annotate, threads=args.threads, workers=args.workers,
            detector=args.detector, every=args.every, csv=args.csv), progress)
    if args.command == "parity":
        from packager.commands import parity as command

        return command.main(ParityOptions(
            images=tuple(args.images), langs=parity.LANGUAGES if args.lang == "all" else (args.lang,),
            emotion_recipe=args.emotion_recipe, emotion_model=args.emotion_model, detector=args.detector,
            frame=args.frame, rotation=args.rotation, mirrored=args.mirrored, every=args.every), progress)
    if args.command == "bench":
        from packager.commands import bench as command

        return command.main(BenchOptions(
            images=tuple(args.images), repeats=args.repeats, cold_repeats=args.cold_repeats, threads=args.threads,
            json=args.json, skip=tuple(args.skip), html=args.html, detector=args.detector), progress)
    if args.command == "build":
        from packager.commands import build
        from packager.options import BuildOptions

        targets = tuple(layout.TARGETS) if args.target == "all" else (args.target,)
        return build.main(BuildOptions(targets, args.out, args.quantize, args.min_int8_agreement, args.emotion_recipe,
                                       args.emotion_model, args.detector, args.self_check, args.onnxruntime_version,
                                       tuple(args.precision or ()), args.json), progress)
    if args.command == "convert":
        from packager.commands import convert
        from packager.options import ConvertOptions

        targets = tuple(layout.TARGETS) if args.target == "all" else (args.target,)
        return convert.main(ConvertOptions(args.model, tuple(args.samples), tuple(args.shapes), targets, args.out,
                                           args.quantize, args.calibration, args.min_int8_agreement,
                                           args.onnxruntime_version, args.json), progress)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import threading

    from packager import interrupts

    previous = interrupts.handle() if threading.current_thread() is threading.main_thread() else None
    try:
        code = dispatch(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is caught below
        return code
    except BrokenPipeError:
        # the reader of the output went away (`packager run ... | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except PackagerError as e:
        print(f"packager: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        # the last line of defence: every write packager makes is checked and worded where it
        # happens (packager.outputs); anything the system still refuses is one line, not a traceback
        where = f" {e.filename}" if e.filename else ""
        print(f"packager: error:{where} {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("packager: interrupted; nothing was written", file=sys.stderr)
        return 130
    finally:
        interrupts.restore(previous)
