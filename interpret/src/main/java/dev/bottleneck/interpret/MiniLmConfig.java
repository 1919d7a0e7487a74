package dev.bottleneck.interpret;

/**
 * The shape of a BERT encoder, read from its ONNX file rather than assumed: all-MiniLM-L6-v2 has
 * 6 layers, hidden size 384, 12 heads of 32, FFN 1536, LayerNorm epsilon 1e-12.
 */
public record MiniLmConfig(int layers, int hidden, int heads, int ffn, float layerNormEps, int vocab, int maxPositions) {

    public int headDim() {
        return hidden / heads;
    }
}
