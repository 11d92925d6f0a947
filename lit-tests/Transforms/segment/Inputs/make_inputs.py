# Writes the inputs of the segment and mode-alloc tests:
#   residual.onnx, a small residual network: conv3x3 16->16 + relu, conv3x3 16->16, add (the
#     block's input), relu, conv1x1 16->32 stride 2 + relu, global average pool, flatten,
#     gemm 32->10;
#   attention.onnx, one decoding step of self-attention: a token of width 128, 4 heads of
#     32, a key and value cache of 512 tokens; the query and output projections (MatMul with
#     weights), q K^T and p V (MatMul of two activations), the scale and the softmax.
# Weights are seeded pseudo-random numbers. Run with /usr/bin/python3 (python3-onnx).
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)


def weight(name, *shape):
    return numpy_helper.from_array(rng.uniform(-0.2, 0.2, shape).astype(np.float32), name)


inits = [weight("w1", 16, 16, 3, 3), weight("w2", 16, 16, 3, 3), weight("w3", 32, 16, 1, 1),
         weight("wf", 10, 32), weight("bf", 10)]
nodes = [
    helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
    helper.make_node("Add", ["c2", "x"], ["s"], name="add"),
    helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
    helper.make_node("Conv", ["r2", "w3"], ["c3"], name="conv3", strides=[2, 2]),
    helper.make_node("Relu", ["c3"], ["r3"], name="relu3"),
    helper.make_node("GlobalAveragePool", ["r3"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1),
]
graph = helper.make_graph(nodes, "residual",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 16, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="cimir-tests")
onnx.checker.check_model(model)
onnx.save(model, "residual.onnx")


# The attention block: one decoding step. A new token's query attends to a cache of S keys
# and values (graph inputs); the products with the cache move many bytes per operation.
S, D, H = 512, 128, 4
inits = [weight(n, D, D) for n in ("wq", "wo")]
inits += [numpy_helper.from_array(np.array([1, 1, H, D // H], dtype=np.int64), "heads"),
          numpy_helper.from_array(np.array([1, 1, D], dtype=np.int64), "merged"),
          numpy_helper.from_array(np.array(1 / np.sqrt(D // H), dtype=np.float32), "scale")]
nodes = [
    helper.make_node("MatMul", ["x", "wq"], ["qp"], name="q_proj"),
    helper.make_node("Reshape", ["qp", "heads"], ["qr"], name="q_split"),
    helper.make_node("Transpose", ["qr"], ["qh"], name="q_heads", perm=[0, 2, 1, 3]),
    helper.make_node("MatMul", ["qh", "kcache"], ["s"], name="scores"),
    helper.make_node("Mul", ["s", "scale"], ["ss"], name="scale"),
    helper.make_node("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
    helper.make_node("MatMul", ["p", "vcache"], ["o"], name="context"),
    helper.make_node("Transpose", ["o"], ["ot"], name="merge_heads", perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["ot", "merged"], ["om"], name="merge"),
    helper.make_node("MatMul", ["om", "wo"], ["y"], name="out_proj"),
]
graph = helper.make_graph(nodes, "attention", [
    helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, D]),
    helper.make_tensor_value_info("kcache", TensorProto.FLOAT, [1, H, D // H, S]),
    helper.make_tensor_value_info("vcache", TensorProto.FLOAT, [1, H, S, D // H])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, D])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="cimir-tests")
onnx.checker.check_model(model)
onnx.save(model, "attention.onnx")
