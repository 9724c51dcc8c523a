package dev.embedconsent.cli;

import dev.embedconsent.html.FoundEmbed;
import dev.embedconsent.html.PageContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code scan FILE...}: one JSON object per line for every embed found, with {@code file}, {@code provider},
 * {@code element}, {@code url} and {@code line}. Reading continues past a file that fails; the exit status says so.
 */
final class ScanCommand {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final PrintStream err;

    ScanCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        CommandLine cl = new CommandLine(args, Setup.VALUE_OPTIONS, Setup.FLAGS);
        if (cl.operands().isEmpty()) {
            throw new UsageException("expected FILE... ('-' for stdin)");
        }
        Setup setup;
        try {
            setup = Setup.from(cl, null);
        } catch (Setup.SetupException e) {
            err.println("embed-consent scan: " + e.getMessage());
            return Main.FAILED;
        }
        List<String> files = cl.operands();
        Progress progress = Progress.forStderr(err, files.size());
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i);
            progress.update(i, file);
            StringBuilder lines = new StringBuilder();
            PageContext context = new PageContext(null, null, Set.of(), "/", embed -> lines.append(line(file, embed)), null);
            try (InputStream in = RewriteCommand.open(file)) {
                setup.rewriter().rewrite(in, OutputStream.nullOutputStream(), context);
            } catch (IOException e) {
                failed++;
                progress.clear();
                err.println("embed-consent scan: " + RewriteCommand.describe(e));
                continue;
            }
            progress.clear();
            out.print(lines);
            out.flush();
        }
        progress.done();
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    private static String line(String file, FoundEmbed embed) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("file", file);
        row.put("provider", embed.provider());
        row.put("element", embed.element());
        row.put("url", embed.url());
        row.put("line", embed.line());
        return JSON.writeValueAsString(row) + "\n";
    }
}
