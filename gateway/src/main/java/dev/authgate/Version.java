package dev.authgate;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from {@code authgate-version.properties} (filtered by Maven). */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/authgate-version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** For picocli's {@code --version}. */
    public static final class Provider implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"authgate " + VERSION};
        }
    }
}
