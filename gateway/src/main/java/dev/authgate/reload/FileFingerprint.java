package dev.authgate.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * What a file looks like now, cheaply: modification time, size and a CRC32C of the content (following symlinks, so
 * a swapped link target counts as a change). Not a security measure: it only has to notice edits. {@link #MISSING}
 * stands for a file that is absent or unreadable.
 */
record FileFingerprint(boolean exists, long modifiedNanos, long size, long crc) {
    static final FileFingerprint MISSING = new FileFingerprint(false, 0, 0, 0);

    static FileFingerprint of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return MISSING;
            }
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[8192];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                }
            }
            return new FileFingerprint(true, a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                    a.size(), crc.getValue());
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException | SecurityException e) {
            return MISSING;   // unreadable now; the reload itself will report why
        }
    }

    static Map<Path, FileFingerprint> of(Set<Path> files) {
        Map<Path, FileFingerprint> out = new HashMap<>();
        for (Path f : files) {
            out.put(f, of(f));
        }
        return out;
    }
}
