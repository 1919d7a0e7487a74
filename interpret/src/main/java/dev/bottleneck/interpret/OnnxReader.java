package dev.bottleneck.interpret;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX file's weights and node list by walking the protobuf wire format with
 * protobuf-java's {@link CodedInputStream}; the field numbers come from onnx.proto
 * (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1, output = 2,
 * name = 3, op_type = 4, attribute = 5; AttributeProto.t = 5; TensorProto.dims = 1, data_type = 2,
 * float_data = 4, name = 8, raw_data = 9). Generating classes from onnx.proto would pull in a
 * build step for the dozen fields we read.
 */
public final class OnnxReader {
    private static final int FLOAT = 1;

    private OnnxReader() {}

    /** Parses a whole ONNX model; {@code source} names it in error messages. */
    public static OnnxGraph read(byte[] model, String source) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(model);
            in.enableAliasing(true); // weights are views of the array, not copies
            in.setSizeLimit(Integer.MAX_VALUE);
            ByteString graph = null;
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                if (WireFormat.getTagFieldNumber(tag) == 7) {
                    graph = in.readBytes();
                } else {
                    in.skipField(tag);
                }
            }
            if (graph == null) {
                throw new BottleneckException(source + " has no graph (field 7 of ModelProto); expected an ONNX model");
            }
            return readGraph(graph, source);
        } catch (IOException e) {
            throw new BottleneckException(source + " is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static OnnxGraph readGraph(ByteString graph, String source) throws IOException {
        Map<String, OnnxGraph.Tensor> inits = new LinkedHashMap<>();
        List<OnnxGraph.Node> nodes = new ArrayList<>();
        Map<String, Float> constants = new LinkedHashMap<>();
        CodedInputStream in = graph.newCodedInput();
        in.setSizeLimit(Integer.MAX_VALUE);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readNode(in.readBytes(), nodes, constants);
                case 5 -> {
                    OnnxGraph.Tensor t = readTensor(in.readBytes());
                    if (t != null) {
                        inits.put(t.name(), t);
                    }
                }
                default -> in.skipField(tag);
            }
        }
        if (inits.isEmpty()) {
            throw new BottleneckException(source + " has no float initializers; expected a model with stored weights");
        }
        return new OnnxGraph(inits, nodes, constants);
    }

    private static void readNode(ByteString bytes, List<OnnxGraph.Node> nodes, Map<String, Float> constants)
            throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        OnnxGraph.Tensor value = null;
        CodedInputStream in = bytes.newCodedInput();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> op = in.readStringRequireUtf8();
                case 5 -> {
                    OnnxGraph.Tensor t = readAttributeTensor(in.readBytes());
                    if (t != null) {
                        value = t;
                    }
                }
                default -> in.skipField(tag);
            }
        }
        if (op.equals("Constant") && value != null && value.data().length == 1 && outputs.size() == 1) {
            constants.put(outputs.get(0), value.data()[0]);
        }
        nodes.add(new OnnxGraph.Node(op, name, List.copyOf(inputs), List.copyOf(outputs)));
    }

    private static OnnxGraph.Tensor readAttributeTensor(ByteString bytes) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 5) {
                return readTensor(in.readBytes());
            }
            in.skipField(tag);
        }
        return null;
    }

    /** A float tensor, or null for other element types (e.g. the int64 position ids). */
    private static OnnxGraph.Tensor readTensor(ByteString bytes) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        ByteString raw = null;
        List<Float> floats = new ArrayList<>();
        CodedInputStream in = bytes.newCodedInput();
        in.setSizeLimit(Integer.MAX_VALUE);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (field == 1 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    dims.add(in.readInt64());
                }
                in.popLimit(limit);
            } else if (field == 1) {
                dims.add(in.readInt64());
            } else if (field == 2) {
                type = in.readInt32();
            } else if (field == 4 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    floats.add(in.readFloat());
                }
                in.popLimit(limit);
            } else if (field == 4) {
                floats.add(in.readFloat());
            } else if (field == 8) {
                name = in.readStringRequireUtf8();
            } else if (field == 9) {
                raw = in.readBytes();
            } else {
                in.skipField(tag);
            }
        }
        if (type != FLOAT) {
            return null;
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data;
        if (raw != null) {
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            data = new float[raw.size() / Float.BYTES];
            b.asFloatBuffer().get(data);
        } else {
            data = new float[floats.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = floats.get(i);
            }
        }
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        if (expected != data.length) {
            throw new BottleneckException("ONNX tensor \"" + name + "\" holds " + data.length
                    + " floats but its dims give " + expected);
        }
        return new OnnxGraph.Tensor(name, shape, data);
    }
}
