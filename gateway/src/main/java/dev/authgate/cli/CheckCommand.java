package dev.authgate.cli;

import dev.authgate.auth.schemes.AuthSchemes;
import dev.authgate.config.ConfigException;
import dev.authgate.config.ConfigLoader;
import dev.authgate.config.GatewayConfig;
import dev.authgate.config.RouteTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code authgate check --config FILE}: loads the config as {@code run} would (secrets resolved, certificate and key
 * loaded and matched) without binding anything. On success prints the route table ({@link RouteTable}) and
 * {@code config OK} to stdout and exits 0; on a config error prints {@code FILE:LINE: KEY.PATH: problem} to stderr
 * and exits 1 (like {@code nginx -t}). Warnings go to stderr as {@code warning: ...} and do not fail the check.
 */
@Command(mixinStandardHelpOptions = true, name = "check", description = "Validate the config (secrets, certificates) and print the route table.")
public final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "config/gateway.yaml")
    Path config;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        GatewayConfig loaded;
        try {
            loaded = ConfigLoader.load(config, System::getenv, w -> err.println("warning: " + w),
                    AuthSchemes.standard());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        out.print(RouteTable.format(loaded.routes()));
        out.println("config OK");
        out.flush();
        return 0;
    }
}
