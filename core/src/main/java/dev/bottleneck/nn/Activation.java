package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.function.Function;

/** Element-wise non-linearities between layers and on the decoder's output. */
public enum Activation {
    NONE(a -> a),
    RELU(ai.djl.nn.Activation::relu),
    LEAKY_RELU(a -> ai.djl.nn.Activation.leakyRelu(a, 0.01f)),
    ELU(a -> ai.djl.nn.Activation.elu(a, 1f)),
    GELU(ai.djl.nn.Activation::gelu),
    TANH(ai.djl.nn.Activation::tanh),
    SIGMOID(ai.djl.nn.Activation::sigmoid);

    private final Function<NDArray, NDArray> fn;

    Activation(Function<NDArray, NDArray> fn) {
        this.fn = fn;
    }

    public NDArray apply(NDArray x) {
        return fn.apply(x);
    }

    /** A parameter-free block, so that it takes an index in a sequential stack as in PyTorch. */
    public Block block() {
        return LambdaBlock.singleton(fn, name().toLowerCase(Locale.ROOT));
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Activation parse(String s) {
        return dev.bottleneck.EnumIds.parse(Activation.class, s, "activation");
    }
}
