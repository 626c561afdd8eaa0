"""The build report: ``DIR/report.html``, one page a person reads after ``packager build``.

Sections: the bundles; provider coverage per model (``provider_coverage``); the sample photos with the
reference's faces drawn and the tensors each model received (``images``); the checks
(``checks``); parity, when results are passed in.  Every number comes from the bundle manifests
the build just wrote; the pictures from the reference pipeline run on the sample photos.

The report is staged next to the bundles and installed with them (``export.bundle.install_all``).
"""

from __future__ import annotations

from pathlib import Path

from packager.outputs import staging_path
from packager.htmlreport import checks, images, provider_coverage
from packager.htmlreport.page import GENERATOR, cell, document, esc, figure, img, kb, num, table

NAME = "report.html"
MARKER = f'<meta name="generator" content="{GENERATOR}">'.encode()


def is_report(path: Path) -> bool:
    """A file this module wrote (so a build may replace it)."""
    with open(path, "rb") as f:
        return MARKER in f.read(4096)


def _bundles(manifests: dict[str, dict]) -> str:
    rows = []
    for name, m in manifests.items():
        files = m["files"]
        pkg = m["package"]
        rows.append((name, [cell(f"<code>{esc(name)}/</code>", "text"), cell(esc(pkg["kind"]), "text"),
                            cell(f"<code>{esc(pkg['models'])}/</code>", "text"),
                            cell("in the app too" if pkg["samples_in_app"] else f"<code>{esc(pkg['samples'])}/</code> only", "text"),
                            cell(str(len(files) + 1)), cell(kb(sum(f["bytes"] for f in files.values()))),
                            cell(f"{esc(m['wrapper']['language'])}, {esc(m['wrapper']['status'])}", "text")]))
    first = next(iter(manifests.values()))
    return "\n".join([
        table("Bundles written by this build (beside this page)",
              ["target", "folder", "is", "models", "self-check samples", "files", "size", "wrapper"], rows),
        f"<p class=\"note\">packager {esc(first['packager_version'])}, onnxruntime {esc(first['onnxruntime_version'])}, "
        f"ORT format version {esc(first['ort_format_version'])}. Every file is listed with its sha256 in each "
        "bundle's <code>manifest.json</code>, where the numbers on this page come from.</p>"])


def _faces_table(photo: images.Photo, labels_of: str) -> str:
    rows = []
    for i, f in enumerate(photo.trace.faces, 1):
        x0, y0, x1, y1 = f.box
        emo = f.emotion
        rows.append((f"face {i}", [cell(f"{x0:.1f}, {y0:.1f}, {x1 - x0:.1f} × {y1 - y0:.1f}"), cell(f"{f.score:.3f}"),
                                   cell(esc(emo.top_label) if emo else "–", "text"),
                                   cell(f"{emo.top_probability:.1%}" if emo else "–")]))
    if not rows:
        return "<p>No face found.</p>"
    return table(f"{photo.name}: faces found by the reference ({labels_of})",
                 ["face", "box x, y, w × h (px)", "score", "emotion", "probability"], rows)


def _photo(photo: images.Photo, det: dict, emo: dict) -> str:
    t = photo.trace
    h, w = photo.rgb.shape[:2]
    n = len(t.faces)
    labels = ", ".join(f.emotion.top_label for f in t.faces if f.emotion)
    parts = [figure(img(photo.annotated(), f"{photo.name} photo ({w}×{h}) with {n} detected face(s) boxed, "
                        f"keypoints dotted, emotion labelled: {labels or 'none'}"),
                    f"{photo.name}, {w}×{h}: the reference's faces drawn")]
    size = t.detector_input.shape
    parts.append(figure(img(images.tensor_image(t.detector_input, det), f"the detector's input for {photo.name}: "
                            f"the photo letterboxed to {size}", "tensor"),
                        f"detector input {list(size)} (letterboxed)"))
    for i, (x, f) in enumerate(zip(t.emotion_inputs, t.faces), 1):
        parts.append(figure(img(images.tensor_image(x, emo), f"the emotion model's input for face {i} of "
                                f"{photo.name}: the face crop, {list(x.shape)}, classified {f.emotion.top_label}", "tensor"),
                            f"face {i} crop {list(x.shape)}: {f.emotion.top_label} {f.emotion.top_probability:.0%}"))
    return "\n".join([f"<h3>{esc(photo.name)}</h3>", '<div class="gallery">', *parts, "</div>",
                      _faces_table(photo, emo["recipe"]["name"])])


STAGES = ["detector_input", "boxes", "keypoints", "scores", "emotion_input", "probabilities"]


def parity_section(parity: dict | None) -> str:
    """``parity``: language → ``{"worst": {stage: largest difference}, "ok": bool, "images": int}``
    (``parity.compare.report_entry``; ``None``: not run)."""
    if not parity:
        return ("<p><strong>Parity was not run by this build.</strong> <code>packager parity IMAGE…</code> "
                "compiles the generated Kotlin and Swift cores and compares them with the reference stage by "
                "stage.</p>")
    rows = []
    for lang, entry in parity.items():
        worst, ok = entry["worst"], entry["ok"]
        rows.append((lang, [cell(num(worst.get(s), 2), attrs={"data-lang": lang, "data-stage": s}) for s in STAGES]
                     + [cell(f'<span class="{"ok" if ok else "bad"}">{"ok" if ok else "FAIL"}</span> '
                             f"({entry['images']} images)", "text")]))
    return table("Largest difference from the reference per stage, over all images", ["language", *STAGES, "result"], rows)


def render(manifests: dict[str, dict], photos: list[images.Photo], parity: dict | None = None) -> str:
    """The page, from the bundle manifests (by target) and the traced sample photos."""
    first = next(iter(manifests.values()))
    models = first["models"]
    det, emo = models["face_detection"], models["face_emotion_recognition"]
    body = [f"<h1>Build report: {esc(det['recipe']['name'])} + {esc(emo['recipe']['name'])}</h1>",
            _bundles(manifests),
            "<h2 id=\"coverage\">Will it run on the NPU? Provider coverage</h2>",
            "<p class=\"note\">Nodes NNAPI, CoreML NeuralNetwork and CoreML MLProgram take, in how many "
            "partitions (each partition boundary is a hand-over between the accelerator and the CPU).</p>",
            *(provider_coverage.section(role, e) for role, e in models.items()),
            "<h2 id=\"precision\">Which precision ships where</h2>",
            "<p class=\"note\">A variant ships to a target only where its accelerator takes every model in one "
            "partition (or when asked for with <code>--precision</code>); the app opens the default unless "
            "<code>PipelineOptions.precision</code> says otherwise.</p>",
            provider_coverage.precision_section(manifests),
            "<h2 id=\"photos\">What the models saw</h2>",
            "<p class=\"note\">The reference pipeline on the sample photos: faces, keypoints and emotion as it "
            "finds them, and the tensors it gave each model, turned back into pixels.</p>",
            *(_photo(p, det, emo) for p in photos),
            "<h2 id=\"checks\">Checks</h2>", checks.section(models, first["files"]),
            "<h2 id=\"parity\">Kotlin and Swift parity</h2>", parity_section(parity)]
    return document(f"packager build report: {det['recipe']['name']} + {emo['recipe']['name']}", body)


def stage(out: Path, manifests: dict[str, dict], artifacts: dict, parity: dict | None = None) -> Path:
    """Write the report into a staging file in ``out``; ``export.install`` puts it at ``out/NAME``."""
    path = staging_path(out, NAME)
    path.write_text(render(manifests, images.trace_photos(artifacts), parity), encoding="utf-8")
    return path
