"""The emotion model's check input needs a face from the detector: a detector that finds none is
bad input (one line, PackagerError → exit 2), not a traceback."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from packager import preparation, recipes
from packager.errors import PackagerError
from packager.reference import detect


def _blind_detector(path, recipe):
    """A detector with the recipe's names and shapes whose every score is far below threshold."""
    n = len(detect.anchors(recipe.anchors))
    reg = numpy_helper.from_array(np.zeros((1, n, 4 + 2 * recipe.num_keypoints), np.float32), "reg")
    cls = numpy_helper.from_array(np.full((1, n, 1), -50.0, np.float32), "cls")
    nodes = [helper.make_node("Constant", [], [recipe.regressors_name], value=reg),
             helper.make_node("Constant", [], [recipe.classificators_name], value=cls)]
    size = recipe.input_size
    graph = helper.make_graph(
        nodes, "blind", [helper.make_tensor_value_info(recipe.input_name, TensorProto.FLOAT, [1, size, size, 3])],
        [helper.make_tensor_value_info(recipe.regressors_name, TensorProto.FLOAT, list(reg.dims)),
         helper.make_tensor_value_info(recipe.classificators_name, TensorProto.FLOAT, list(cls.dims))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # what the installed onnxruntime reads
    onnx.save(model, str(path))
    return path


def test_a_detector_that_finds_no_face_is_one_line_of_bad_input(tmp_path):
    det = recipes.BLAZEFACE_SHORT_RANGE
    path = _blind_detector(tmp_path / "blind.onnx", det)
    with pytest.raises(PackagerError) as e:
        preparation.emotion_check_input(recipes.FER_MINIXCEPTION, det, path)
    message = str(e.value)
    assert "\n" not in message and str(path) in message and "finds no face" in message
