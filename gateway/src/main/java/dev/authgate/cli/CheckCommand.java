package dev.authgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code authgate check --config FILE}: validate, print the route table, exit 0 or 1 (like {@code nginx -t}). */
@Command(name = "check", description = "Validate the config (secrets, certificates) and print the route table.")
public final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "config/gateway.yaml")
    Path config;

    @Override
    public Integer call() {
        System.err.println("check: not built yet");
        return 1;
    }
}
