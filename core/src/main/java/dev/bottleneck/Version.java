package dev.bottleneck;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library version, written into every model's provenance so a file says what made it. */
public final class Version {
    private static final String VERSION = read();

    private Version() {}

    /** @return the Maven artifact version of bottleneck-core, e.g. {@code 0.1.0} */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
