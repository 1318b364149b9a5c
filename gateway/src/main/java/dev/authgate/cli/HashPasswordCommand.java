package dev.authgate.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code authgate hash-password [--cost N]}: reads a password without echo and prints one bcrypt {@code $2y$} hash
 * for {@code basic.users} (or an htpasswd file).
 *
 * <p>On a terminal the password is read with echo off and asked twice; otherwise one line is read from standard
 * input (its line ending dropped), so {@code printf '%s\n' "$PW" | authgate hash-password} works in scripts.
 * Exit codes: 0 with the hash on stdout; 1 when no password was read or the two entries differ; 2 on a usage error
 * (e.g. {@code --cost} outside 4–31). The password is never printed.
 */
@Command(mixinStandardHelpOptions = true, name = "hash-password", description = "Read a password (no echo) and print a bcrypt hash for basic.users.")
public final class HashPasswordCommand implements Callable<Integer> {
    /** bcrypt uses at most this many bytes of a password; the rest is ignored. */
    static final int BCRYPT_MAX_BYTES = 72;

    @Option(names = "--cost", defaultValue = "12",
            description = "bcrypt cost, 4-31; each step doubles the time (default: ${DEFAULT-VALUE})")
    int cost;

    @Spec
    CommandSpec spec;

    private final InputStream in;

    /** Reads from the terminal when there is one, else from standard input. */
    public HashPasswordCommand() {
        this.in = null;
    }

    /** Reads one line from {@code in} (never from the terminal): for tests and embedding. */
    public HashPasswordCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() throws IOException {
        if (cost < BCrypt.MIN_COST || cost > BCrypt.MAX_COST) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--cost: " + cost + " (expected: " + BCrypt.MIN_COST + " to " + BCrypt.MAX_COST + ")");
        }
        char[] password = null;
        try {
            Console console = in == null ? System.console() : null;
            password = console != null ? fromConsole(console) : readLine(in != null ? in : System.in);
            if (password == null) {
                return 1;
            }
            if (password.length == 0) {
                spec.commandLine().getErr().println("hash-password: empty password (expected: at least one character)");
                return 1;
            }
            if (utf8Length(password) > BCRYPT_MAX_BYTES) {
                spec.commandLine().getErr().println("hash-password: warning: the password is longer than "
                        + BCRYPT_MAX_BYTES + " bytes; bcrypt uses only the first " + BCRYPT_MAX_BYTES);
            }
            // Truncate past 72 bytes as OpenBSD and htpasswd do (the gateway verifies the same way).
            String hash = BCrypt.with(BCrypt.Version.VERSION_2Y,
                    LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y)).hashToString(cost, password);
            spec.commandLine().getOut().println(hash);
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private char[] fromConsole(Console console) {
        char[] first = console.readPassword("Password: ");
        if (first == null) {
            spec.commandLine().getErr().println("hash-password: no password read");
            return null;
        }
        char[] second = console.readPassword("Retype password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                spec.commandLine().getErr().println("hash-password: the passwords differ");
                return null;
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** One line as chars (not a String, so it can be wiped), without its CR/LF; null on end of input. */
    private char[] readLine(InputStream stream) throws IOException {
        Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8);
        char[] buf = new char[64];
        int len = 0;
        boolean any = false;
        int c;
        while ((c = reader.read()) != -1) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (len == buf.length) {
                char[] bigger = Arrays.copyOf(buf, buf.length * 2);
                Arrays.fill(buf, '\0');
                buf = bigger;
            }
            buf[len++] = (char) c;
        }
        if (!any) {
            Arrays.fill(buf, '\0');
            spec.commandLine().getErr().println("hash-password: no password on standard input");
            return null;
        }
        if (len > 0 && buf[len - 1] == '\r') {
            len--;
        }
        char[] line = Arrays.copyOf(buf, len);
        Arrays.fill(buf, '\0');
        return line;
    }

    private static int utf8Length(char[] chars) {
        return StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars)).remaining();
    }
}
