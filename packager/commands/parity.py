"""``packager parity``: the generated Kotlin/Swift cores against the reference on the user's
images and videos, one table of the largest difference per stage; exit code 1 when a stage is
outside docs/DESIGN.md's tolerances.  The checking itself is ``packager.parity.check``."""

from __future__ import annotations

from pathlib import Path

from packager import parity, preparation
from packager.errors import PackagerError
from packager.imagefiles import load_image
from packager.options import ParityOptions
from packager.parity import check
from packager.progress import Progress
from packager.reference import frames
from packager.videofiles import is_video

#: Exit code when a stage or a tracker sequence differs from the reference.
DIFFERS = 1


def main(opts: ParityOptions, progress: Progress, print_fn=print) -> int:
    """Images: stage by stage.  Videos: every ``every``-th frame as an image case, and the whole
    sequence through each language's tracker (track ids, smoothed emotions)."""
    for lang in opts.langs:
        check.harness(lang)
    if opts.every < 1:
        raise PackagerError(f"--every {opts.every}: give a whole number of frames, 1 or more")
    videos = {Path(p).stem: check.video_frames(p, opts.every) for p in opts.images if is_video(p)}
    images = {Path(p).stem: load_image(p) for p in opts.images if not is_video(p)}
    images.update({f"{name}-frame{f.index}": f.rgb for name, fs in videos.items() for f in fs})
    layout = parity.FRAMES.get(opts.frame)
    if layout is not None:
        images = {name: frames.from_rgb(rgb, layout, opts.rotation, opts.mirrored) for name, rgb in images.items()}
    elif opts.rotation or opts.mirrored:
        raise PackagerError("--rotation and --mirrored describe a camera frame: give --frame too")
    with progress.stage("preparing models"):
        prepared = preparation.prepare(opts.detector, opts.emotion_recipe, opts.emotion_model)
    results = check.check_images(images, prepared, list(opts.langs), progress)
    print_fn(check.table(results))
    sequence_lines = check.check_sequences(videos, prepared, list(opts.langs), progress) if videos else []
    if sequence_lines:
        print_fn("\n" + "\n".join(sequence_lines))
    sequences_ok = not any(line.endswith("| FAIL |") for line in sequence_lines)
    return 0 if sequences_ok and all(r.ok for rs in results.values() for r in rs) else DIFFERS
