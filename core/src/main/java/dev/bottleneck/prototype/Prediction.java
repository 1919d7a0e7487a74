package dev.bottleneck.prototype;

/**
 * The class a prototype network gives one row, and why.
 *
 * @param label the predicted class
 * @param probabilities softmax class scores, in the order of {@link PrototypeNetwork#classes()}
 * @param distances squared distance of the row's code to each prototype
 */
public record Prediction(String label, float[] probabilities, float[] distances) {
    public Prediction {
        probabilities = probabilities.clone();
        distances = distances.clone();
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public float[] distances() {
        return distances.clone();
    }

    /** Index of the prototype nearest to the row. */
    public int nearestPrototype() {
        int best = 0;
        for (int j = 1; j < distances.length; j++) {
            if (distances[j] < distances[best]) {
                best = j;
            }
        }
        return best;
    }
}
