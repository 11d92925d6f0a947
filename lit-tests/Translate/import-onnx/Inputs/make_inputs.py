"""Writes the small ONNX models of the import-onnx lit tests (run with Debian's python3-onnx:
/usr/bin/python3 make_inputs.py). The outputs are committed; the build never runs this."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(name, nodes, inputs, outputs, inits=(), value_info=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits), value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="make_inputs")
    model.ir_version = 7
    onnx.save(model, name + ".onnx")


f32 = TensorProto.FLOAT
x = helper.make_tensor_value_info("x", f32, [1, 4, 6])

# A shape subgraph as PyTorch exports it for `x.view(x.size(0), x.size(1), 2, -1)`, plus the
# other foldable operators on constants; only the Reshape, a Mul and an Add survive.
c = lambda n, v, dt=np.int64: helper.make_node("Constant", [], [n], name=n,
                                                value=numpy_helper.from_array(np.array(v, dt)))
save("shape_subgraph", [
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    c("i0", 0), c("i1", 1), c("ax0", [0]), c("two", [2]), c("minus1", [-1]),
    helper.make_node("Gather", ["s", "i0"], ["d0"], name="gather0", axis=0),
    helper.make_node("Gather", ["s", "i1"], ["d1"], name="gather1", axis=0),
    helper.make_node("Unsqueeze", ["d0", "ax0"], ["u0"], name="unsqueeze0"),
    helper.make_node("Unsqueeze", ["d1", "ax0"], ["u1"], name="unsqueeze1"),
    helper.make_node("Concat", ["u0", "u1", "two", "minus1"], ["target"], name="concat", axis=0),
    helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape"),
    # Range(0, 3, 1) -> [0, 1, 2]; Equal with [0, 1, 5] -> [T, T, F]; Where picks 1.0 / 0.5;
    # Cast is a no-op on the result; Expand to [2, 3]; Slice keeps row 0 -> [[1, 1, 0.5]].
    c("start", 0), c("limit", 3), c("delta", 1), c("other", [0, 1, 5]),
    c("ones", [1.0, 1.0, 1.0], np.float32), c("halves", [0.5, 0.5, 0.5], np.float32),
    helper.make_node("Range", ["start", "limit", "delta"], ["range"], name="range"),
    helper.make_node("Equal", ["range", "other"], ["eq"], name="equal"),
    helper.make_node("Where", ["eq", "ones", "halves"], ["w"], name="where"),
    helper.make_node("Cast", ["w"], ["wc"], name="cast", to=f32),
    c("shape23", [2, 3]),
    helper.make_node("Expand", ["wc", "shape23"], ["e"], name="expand"),
    c("s0", [0]), c("e1", [1]),
    helper.make_node("Slice", ["e", "s0", "e1", "ax0"], ["sl"], name="slice"),
    # ConstantOfShape([1]) with 2.0, then Pow(2, 3) = 8.
    c("one", [1]), c("three", 3.0, np.float32),
    helper.make_node("ConstantOfShape", ["one"], ["cs"], name="cos",
                     value=numpy_helper.from_array(np.array([2.0], np.float32))),
    helper.make_node("Pow", ["cs", "three"], ["eight"], name="pow"),
    helper.make_node("Mul", ["r", "eight"], ["m"], name="mul"),
    helper.make_node("Identity", ["m"], ["m2"], name="identity"),
    helper.make_node("Dropout", ["m2"], ["m3"], name="dropout"),
    helper.make_node("Add", ["m3", "sl"], ["y"], name="add"),
], [x], [helper.make_tensor_value_info("y", f32, [1, 4, 2, 3])])

relu_x = helper.make_tensor_value_info("x", f32, [1, 4])
relu_y = helper.make_tensor_value_info("y", f32, [1, 4])
save("opset11", [helper.make_node("Relu", ["x"], ["y"], name="relu")], [relu_x], [relu_y],
     opset=11)
save("unsupported_op", [
    helper.make_node("Relu", ["x"], ["a"], name="relu"),
    helper.make_node("LpNormalization", ["a"], ["y"], name="my_norm"),
], [relu_x], [relu_y])
save("custom_domain", [helper.make_node("Relu", ["x"], ["y"], name="relu", domain="com.example")],
     [relu_x], [relu_y])
save("dynamic_batch", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [helper.make_tensor_value_info("x", f32, ["batch", 4])],
     [helper.make_tensor_value_info("y", f32, ["batch", 4])])
save("dynamic_reshape", [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
     [relu_x, helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
     [helper.make_tensor_value_info("y", f32, [2, 2])])
save("wrong_value_info", [
    helper.make_node("Relu", ["x"], ["a"], name="relu"),
    helper.make_node("Relu", ["a"], ["y"], name="relu2"),
], [relu_x], [relu_y], value_info=[helper.make_tensor_value_info("a", f32, [1, 5])])
save("bad_conv", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=3)],
     [helper.make_tensor_value_info("x", f32, [1, 4, 8, 8])],
     [helper.make_tensor_value_info("y", f32, [1, 6, 6, 6])],
     inits=[numpy_helper.from_array(np.zeros((6, 4, 3, 3), np.float32), "w")])
save("short_initializer", [helper.make_node("Add", ["x", "b"], ["y"], name="add")],
     [relu_x], [relu_y],
     inits=[numpy_helper.from_array(np.zeros(3, np.float32), "b")])
# The initializer claims 4 elements but holds 3.
m = onnx.load("short_initializer.onnx")
m.graph.initializer[0].dims[0] = 4
onnx.save(m, "short_initializer.onnx")

with open("../../../../models/tiny_cnn_bn_dw.onnx", "rb") as f:
    data = f.read()
with open("truncated.onnx", "wb") as f:
    f.write(data[:1000])
