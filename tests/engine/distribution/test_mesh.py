"""DeviceMesh, TensorLayout, LayoutMap: validation and lookups, without any framework."""

import numpy as np
import pytest

from kerasnb.distribution import DeviceMesh, LayoutMap, TensorLayout

CPUS = [f"cpu:{i}" for i in range(8)]


def test_mesh_reshapes_devices_to_its_shape():
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)
    assert mesh.shape == (2, 4)
    assert mesh.axis_names == ["batch", "model"]
    assert mesh.devices.shape == (2, 4)
    assert mesh.devices[1, 0] == "cpu:4"
    assert mesh.axis_size("model") == 4
    nested = DeviceMesh((4, 2), ["batch", "model"], devices=np.array(CPUS).reshape(2, 4))
    assert list(nested.devices.reshape(-1)) == CPUS


@pytest.mark.parametrize("shape, axes, message", [
    ((), ["batch"], "non-empty"),
    ((8,), [], "non-empty"),
    ((2, 4), ["batch"], "same length"),
    ((4,), ["batch"], "needs 4 devices; received 8"),
    ((2, 4), ["x", "x"], "distinct"),
    ((0, 8), ["a", "b"], ">= 1"),
    ((8,), "batch", "list of strings"),
])
def test_mesh_rejects_bad_arguments(shape, axes, message):
    with pytest.raises(ValueError, match=message):
        DeviceMesh(shape, axes, devices=CPUS)


def test_mesh_axis_size_of_an_unknown_axis_fails():
    with pytest.raises(ValueError, match="'model' is not an axis"):
        DeviceMesh((8,), ["batch"], devices=CPUS).axis_size("model")


def test_layout_checks_its_axes_against_the_mesh():
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)
    assert TensorLayout((None, "model"), mesh).axes == (None, "model")
    with pytest.raises(ValueError, match=r"\['data'\] are not axes of the device mesh"):
        TensorLayout(("data", None), mesh)
    with pytest.raises(ValueError, match="uses a mesh axis twice"):
        TensorLayout(("model", "model"))
    with pytest.raises(ValueError, match="names .str. or None"):
        TensorLayout((0, None))
    with pytest.raises(ValueError, match="tuple of mesh axis names"):
        TensorLayout("model")


def test_layout_mesh_is_set_once_and_then_validates():
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)
    layout = TensorLayout((None, "model"))
    assert layout.device_mesh is None
    layout.device_mesh = mesh
    assert layout.device_mesh is mesh
    with pytest.raises(ValueError, match="cannot be replaced"):
        layout.device_mesh = mesh
    late = TensorLayout(("data",))
    with pytest.raises(ValueError, match="not axes of the device mesh"):
        late.device_mesh = mesh


def test_layout_is_sharded_only_over_axes_of_more_than_one_device():
    mesh = DeviceMesh((8, 1), ["batch", "model"], devices=CPUS)
    assert not TensorLayout((None, None), mesh).is_sharded()
    assert not TensorLayout((None, "model"), mesh).is_sharded()
    assert TensorLayout(("batch", None), mesh).is_sharded()


def test_layout_map_prefers_exact_keys_then_full_regex_matches():
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)
    layout_map = LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = TensorLayout(("model",))
    layout_map["dense_2/kernel"] = ("model", None)
    assert layout_map["model/dense_1/kernel"].axes == (None, "model")
    assert layout_map["dense_1/bias"].axes == ("model",)
    assert layout_map["dense_2/kernel"].axes == ("model", None)  # exact key wins
    assert layout_map["conv2d/kernel"] is None
    assert layout_map.get("conv2d/kernel", "fallback") is None  # no KeyError, as Keras
    assert layout_map["dense_1/kernel_extra"] is None  # the whole path must match
    # regexes match the whole path, not a part of it
    layout_map["conv"] = ("model",)
    assert layout_map["my_conv/kernel"] is None
    # tuples become layouts on the map's mesh
    assert all(layout_map[k].device_mesh is mesh for k in layout_map)
    assert len(layout_map) == 4 and list(layout_map)[0] == ".*dense.*kernel"
    del layout_map["conv"]
    assert "conv" not in layout_map and len(layout_map) == 3


def test_layout_map_errors():
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)
    layout_map = LayoutMap(mesh)
    layout_map[".*kernel"] = (None, "model")
    layout_map["dense.*"] = ("model", None)
    with pytest.raises(ValueError, match=r"matches several LayoutMap keys: \['.\*kernel', 'dense.\*'\]"):
        layout_map["dense/kernel"]
    with pytest.raises(ValueError, match="already set"):
        layout_map[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="must be a TensorLayout or a tuple"):
        layout_map["x"] = "model"
    with pytest.raises(ValueError, match="not a valid regex"):
        layout_map["(unclosed"] = ("model",)
    with pytest.raises(ValueError, match="not axes of the device mesh"):
        layout_map["y"] = ("data",)
    with pytest.raises(ValueError, match="must be a DeviceMesh"):
        LayoutMap("mesh")
    with pytest.raises(KeyError):
        del layout_map["never-set"]


def test_layout_map_matches_as_real_keras_does():
    """The same keys and paths give the same layouts (or None) as Keras 3's LayoutMap."""
    keras_distribution = pytest.importorskip("keras.distribution")
    keys = {".*dense.*kernel": (None, "model"), ".*dense.*bias": ("model",),
            "conv2d/kernel": ("model", None, None, None), "dense_1/.*": (None, None)}
    paths = ["dense/kernel", "dense/bias", "conv2d/kernel", "seq/conv2d/kernel", "dense_1/x",
             "dense_1/kernel", "densebias", "my/dense/kernel/extra"]
    ours = LayoutMap(DeviceMesh((2, 4), ["batch", "model"], devices=CPUS))
    theirs = keras_distribution.LayoutMap(
        keras_distribution.DeviceMesh((2, 4), ["batch", "model"], devices=CPUS))
    for key, axes in keys.items():
        ours[key], theirs[key] = axes, axes

    def lookup(layout_map, path):
        try:
            found = layout_map[path]
        except ValueError:
            return "ambiguous"
        return None if found is None else tuple(found.axes)
    assert [lookup(ours, p) for p in paths] == [lookup(theirs, p) for p in paths]
