package dev.authgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code authgate run --config FILE}: start the gateway (the default command). */
@Command(name = "run", description = "Start the gateway.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "config/gateway.yaml")
    Path config;

    @Override
    public Integer call() {
        System.err.println("run: not built yet");
        return 1;
    }
}
