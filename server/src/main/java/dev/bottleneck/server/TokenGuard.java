package dev.bottleneck.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks the bearer token of an API call. Both sides are hashed to SHA-256 first and compared
 * with {@link MessageDigest#isEqual}, which takes the same time wherever the bytes differ; hashing
 * first also hides the token's length, which a plain comparison of unequal lengths would reveal.
 */
final class TokenGuard {
    private static final String PREFIX = "Bearer ";
    private final byte[] expected;

    /** A guard for {@code token}, or one that lets every call through when it is null. */
    TokenGuard(String token) {
        this.expected = token == null ? null : sha256(token);
    }

    boolean enabled() {
        return expected != null;
    }

    /** Throws 401 unless the {@code Authorization} header carries the token. */
    void check(String authorizationHeader) {
        if (expected == null) {
            return;
        }
        if (authorizationHeader == null || !authorizationHeader.startsWith(PREFIX)) {
            throw new ApiException(401, "this server needs a token: send the header 'Authorization: Bearer <token>'");
        }
        byte[] given = sha256(authorizationHeader.substring(PREFIX.length()).trim());
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ApiException(401, "the token in the Authorization header is not the server's token");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
