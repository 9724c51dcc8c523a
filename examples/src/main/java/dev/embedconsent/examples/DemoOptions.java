package dev.embedconsent.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The demo's command line: {@code [--port N] [--data DIR] [--host H]}. The port also comes from the {@code PORT}
 * environment variable (the option wins) and defaults to {@value #DEFAULT_PORT}; {@code 0} picks a free port.
 *
 * <pre>{@code
 * DemoOptions options = DemoOptions.parse(List.of("--port", "9090"), System.getenv());
 * }</pre>
 *
 * @param host the address to listen on; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every interface
 * @param port the TCP port
 * @param dataDirectory where the JSON Lines consent store (and the generated cookie key) live
 */
public record DemoOptions(String host, int port, Path dataDirectory) {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_DATA = Path.of("embed-consent-data");
    public static final String USAGE = "usage: embed-consent demo [--port N] [--data DIR] [--host ADDRESS]";

    public DemoOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} with a message naming the bad option. */
    public static DemoOptions parse(List<String> args, Map<String, String> environment) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(environment, "environment");
        String host = null;
        Integer port = null;
        Path data = null;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (!option.equals("--port") && !option.equals("--data") && !option.equals("--host")) {
                throw new IllegalArgumentException("unknown argument '" + option + "'\n" + USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            String value = args.get(++i);
            switch (option) {
                case "--port" -> {
                    if (port != null) {
                        throw new IllegalArgumentException("--port given twice");
                    }
                    port = parsePort("--port", value);
                }
                case "--data" -> {
                    if (data != null) {
                        throw new IllegalArgumentException("--data given twice");
                    }
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--data needs a directory");
                    }
                    data = Path.of(value);
                }
                default -> {
                    if (host != null) {
                        throw new IllegalArgumentException("--host given twice");
                    }
                    host = value;
                }
            }
        }
        if (port == null) {
            String fromEnv = environment.get("PORT");
            port = fromEnv == null || fromEnv.isBlank() ? DEFAULT_PORT : parsePort("PORT", fromEnv.strip());
        }
        return new DemoOptions(host == null ? DEFAULT_HOST : host, port, data == null ? DEFAULT_DATA : data);
    }

    private static int parsePort(String source, String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a number between 0 and 65535, got '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(source + " must be between 0 and 65535, got " + port);
        }
        return port;
    }
}
