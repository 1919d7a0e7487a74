package dev.bottleneck;

/**
 * A failure the user can act on: bad input, a corrupt model file, an invalid setting.
 *
 * <p>The message is one clear sentence saying what was wrong, where (file, row, column, field)
 * and what was expected. The CLI prints it as it is and exits with status 1, so messages must
 * read well on their own, without a stack trace.
 */
public class BottleneckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BottleneckException(String message) {
        super(message);
    }

    public BottleneckException(String message, Throwable cause) {
        super(message, cause);
    }
}
