package dev.authgate.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import dev.authgate.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashPasswordCommandTest {
    static final String PASSWORD = "s3cret-for-hash-password";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int exit = new CommandLine(new HashPasswordCommand(in))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Verifies as the gateway does: passwords past 72 bytes truncated, like OpenBSD and htpasswd. */
    private static boolean verifies(String password, String hash) {
        return BCrypt.verifyer(null, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A))
                .verify(password.toCharArray(), hash).verified;
    }

    @Test
    void printsOneVerifiable2yHashOfTheLineOnStdin() {
        Run r = run(PASSWORD + "\n", "--cost", "4");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.endsWith("\n"));
        String hash = r.out.strip();
        assertEquals(1, r.out.lines().count());
        assertTrue(hash.matches("\\$2y\\$04\\$[./A-Za-z0-9]{53}"), hash);
        assertTrue(verifies(PASSWORD, hash));
        assertFalse(r.out.contains(PASSWORD));
        assertFalse(r.err.contains(PASSWORD));
    }

    @Test
    void dropsACrLfLineEndingAndReadsOnlyTheFirstLine() {
        String hash = run(PASSWORD + "\r\nsecond line\n", "--cost", "4").out.strip();
        assertTrue(verifies(PASSWORD, hash));
        assertFalse(verifies(PASSWORD + "\r", hash));
    }

    @Test
    void hashesAPasswordWithoutTrailingNewline() {
        assertTrue(verifies(PASSWORD, run(PASSWORD, "--cost", "4").out.strip()));
    }

    @Test
    void keepsSpacesAndNonAsciiCharactersOfThePassword() {
        String password = " pässwörd mit Leerzeichen ";
        assertTrue(verifies(password, run(password + "\n", "--cost", "4").out.strip()));
    }

    @Test
    void defaultsToCost12() {
        CommandLine cli = new CommandLine(new HashPasswordCommand(new ByteArrayInputStream(new byte[0])));
        cli.parseArgs();
        assertEquals(12, ((HashPasswordCommand) cli.getCommand()).cost);
    }

    @Test
    void refusesACostOutsideFourToThirtyOneAsAUsageError() {
        Run low = run(PASSWORD + "\n", "--cost", "3");
        assertEquals(2, low.exit);
        assertTrue(low.err.contains("--cost: 3 (expected: 4 to 31)"), low.err);
        assertEquals("", low.out);
        assertEquals(2, run(PASSWORD + "\n", "--cost", "32").exit);
        assertEquals(2, run(PASSWORD + "\n", "--cost", "twelve").exit);
    }

    @Test
    void failsOnEmptyInputOrAnEmptyPassword() {
        Run none = run("", "--cost", "4");
        assertEquals(1, none.exit);
        assertEquals("", none.out);
        assertTrue(none.err.contains("no password"), none.err);
        Run empty = run("\n", "--cost", "4");
        assertEquals(1, empty.exit);
        assertTrue(empty.err.contains("empty password"), empty.err);
    }

    @Test
    void warnsThatBcryptIgnoresBytesPast72() {
        String longPassword = "x".repeat(80);
        Run r = run(longPassword + "\n", "--cost", "4");
        assertEquals(0, r.exit);
        assertTrue(r.err.contains("longer than 72 bytes"), r.err);
        assertTrue(verifies(longPassword.substring(0, 72), r.out.strip()));
        assertFalse(verifies(longPassword.substring(0, 71), r.out.strip()));
    }

    @Test
    void isASubcommandOfAuthgateReadingStandardInput() {
        InputStream stdin = System.in;
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.execute("hash-password", "--cost", "4"));
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
        String hash = captured.toString(StandardCharsets.UTF_8).strip();
        assertTrue(hash.startsWith("$2y$04$"), hash.length() + " chars");
        assertTrue(verifies(PASSWORD, hash));
    }
}
