package dev.authgate.cli;

import dev.authgate.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/operations.md promises {@code --help} on every command. */
class HelpTest {
    @Test
    void everySubcommandPrintsUsageForHelpAndExitsZero() {
        var subcommands = new CommandLine(new Main()).getSubcommands().keySet();
        assertFalse(subcommands.isEmpty());
        PrintStream oldOut = System.out;
        try {
            for (String name : subcommands) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                assertEquals(0, Main.execute(name, "--help"), name);
                assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: authgate " + name), name);
            }
        } finally {
            System.setOut(oldOut);
        }
    }
}
