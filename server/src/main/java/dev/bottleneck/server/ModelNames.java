package dev.bottleneck.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Maps names from URLs to paths inside one directory so that no name can reach outside it: a
 * name must be a plain file name (letters, digits, '.', '_', '-', not starting with '.'), and the
 * resolved path's real location (symbolic links followed) must still lie inside the directory.
 */
final class ModelNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ModelNames() {}

    static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The path of {@code relative} (one or more '/'-separated names) inside {@code root}.
     *
     * @throws ApiException 400 for a name that is not allowed, 404 when nothing is there
     */
    static Path resolve(Path root, String relative, String what) {
        if (relative == null || relative.isEmpty()) {
            throw ApiException.badRequest(what + " name is empty");
        }
        Path p = root;
        for (String part : relative.split("/", -1)) {
            if (!valid(part)) {
                throw ApiException.badRequest(what + " name '" + shorten(relative) + "' is not allowed: use letters, digits,"
                        + " '.', '_' and '-', starting with a letter or digit");
            }
            p = p.resolve(part);
        }
        if (!Files.exists(p)) {
            throw ApiException.notFound(what + " '" + shorten(relative) + "' does not exist");
        }
        try {
            if (!p.toRealPath().startsWith(root.toRealPath())) {
                throw ApiException.notFound(what + " '" + shorten(relative) + "' does not exist");
            }
            return p;
        } catch (IOException e) {
            throw ApiException.notFound(what + " '" + shorten(relative) + "' cannot be read");
        }
    }

    /** Keeps echoed names short so a huge name cannot fill a log or a response. */
    static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
