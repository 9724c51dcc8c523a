package dev.embedconsent.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code embed-consent} command line. {@code bin/embed-consent} runs it; {@code demo} is started by that script
 * from the examples module.
 *
 * <pre>{@code
 * embed-consent rewrite page.html out.html --lang de
 * embed-consent rewrite --out-dir public/ site/*.html
 * embed-consent scan site/*.html
 * embed-consent records --store ./embed-consent-data verify
 * }</pre>
 *
 * Exit codes: 0 success, 1 a file or check failed, 2 bad usage.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code = run(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command; never calls {@code System.exit}. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            (args.isEmpty() ? err : out).print(USAGE_TEXT);
            return args.isEmpty() ? USAGE : OK;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "rewrite" -> new RewriteCommand(out, err).run(rest);
                case "scan" -> new ScanCommand(out, err).run(rest);
                case "records" -> RecordsCommand.run(rest, out, err);
                case "demo" -> {
                    err.println("embed-consent: 'demo' is started by bin/embed-consent from the examples module");
                    yield USAGE;
                }
                default -> {
                    err.println("embed-consent: unknown command '" + args.get(0) + "'");
                    err.print(USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (UsageException e) {
            err.println("embed-consent " + args.get(0) + ": " + e.getMessage());
            err.println("Run 'embed-consent --help' for usage.");
            return USAGE;
        }
    }

    static final String USAGE_TEXT = """
            Usage: embed-consent <command> [options]

              rewrite IN [OUT]                 Replace third-party embeds in one page with consent placeholders.
                                               IN is a path or '-' for stdin; OUT defaults to stdout.
              rewrite --out-dir DIR FILE...    Batch form: writes DIR/<name of each FILE>.
                  --lang xx                    Placeholder language (en de uk fr es it pl nl); default: the page's lang.
                  --consented id,id            Leave these providers' embeds as they are (ids, or host:<host>).
                  --providers FILE             Add or override providers from a JSON file.
                  --base PATH                  Base path of the consent endpoints (default /embed-consent).
                  --trusted-hosts LIST         Hosts whose frames are never blocked (*.example.org: subdomains).
                  --allow-unknown-frames       Leave frames from hosts no provider names alone (default: blocked
                                               as host:<host>).
                  --previews DIR               Download providers' preview stills into DIR and show them.
                  --previews-url PREFIX        URL prefix of DIR's files in the pages (default: DIR relative to OUT).
              scan FILE...                     Print one JSON object per embed found: file, provider, element, url, line.
                  --providers FILE, --trusted-hosts LIST, --allow-unknown-frames   As above.
              records --store DIR|--jdbc URL verify|export --subject ID|erase --subject ID|purge --older-than P|stats
                                               Work on a consent record store.
              demo [--port N] [--data DIR]     Start the demo site (PORT env, default 8080).

            Exit status: 0 success, 1 a file or check failed, 2 bad usage.
            """;
}
