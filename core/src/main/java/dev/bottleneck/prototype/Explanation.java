package dev.bottleneck.prototype;

import java.util.List;

/**
 * Everything needed to show why the network classified one input as it did.
 *
 * @param input the input row, in the data's units
 * @param reconstruction the autoencoder's reconstruction of it
 * @param prediction the class, its scores and the distances to the prototypes
 * @param prototypes every prototype decoded to input space (m × d)
 * @param weights classifier weights, prototypes × classes (a negative weight: being near this
 *     prototype raises that class's score, since the layer's inputs are distances)
 * @param classes class labels
 * @param imageShape {c, h, w} when rows are images, else null
 */
public record Explanation(
        float[] input, float[] reconstruction, Prediction prediction, float[][] prototypes, float[][] weights,
        List<String> classes, int[] imageShape) {
    public Explanation {
        input = input.clone();
        reconstruction = reconstruction.clone();
        prototypes = deepCopy(prototypes);
        weights = deepCopy(weights);
        classes = List.copyOf(classes);
        imageShape = imageShape == null ? null : imageShape.clone();
    }

    @Override
    public float[] input() {
        return input.clone();
    }

    @Override
    public float[] reconstruction() {
        return reconstruction.clone();
    }

    @Override
    public float[][] prototypes() {
        return deepCopy(prototypes);
    }

    @Override
    public float[][] weights() {
        return deepCopy(weights);
    }

    @Override
    public int[] imageShape() {
        return imageShape == null ? null : imageShape.clone();
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
