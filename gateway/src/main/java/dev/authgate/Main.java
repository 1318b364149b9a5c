package dev.authgate;

import dev.authgate.cli.CheckCommand;
import dev.authgate.cli.EchoCommand;
import dev.authgate.cli.ExplainCommand;
import dev.authgate.cli.GenCertsCommand;
import dev.authgate.cli.HashPasswordCommand;
import dev.authgate.cli.HealthCommand;
import dev.authgate.cli.JwtCommand;
import dev.authgate.cli.RunCommand;
import dev.authgate.cli.SignCommand;
import dev.authgate.cli.TailCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The only static main: {@code java -jar authgate.jar <command>}; {@code run} is the default command. */
@Command(name = "authgate", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "TLS-terminating reverse proxy that authenticates requests before forwarding them.",
        subcommands = {
                RunCommand.class,
                CheckCommand.class,
                EchoCommand.class,
                HashPasswordCommand.class,
                HealthCommand.class,
                TailCommand.class,
                SignCommand.class,
                ExplainCommand.class,
                JwtCommand.class,
                GenCertsCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        if (args.length == 0 || args[0].startsWith("--config") || args[0].startsWith("--log-format")
                || args[0].startsWith("--drain-timeout")) {
            String[] withRun = new String[args.length + 1];
            withRun[0] = "run";
            System.arraycopy(args, 0, withRun, 1, args.length);
            args = withRun;
        }
        return cli.execute(args);
    }
}
