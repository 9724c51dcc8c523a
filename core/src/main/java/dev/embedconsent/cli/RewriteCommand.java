package dev.embedconsent.cli;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.preview.PreviewFetcher;
import dev.embedconsent.preview.UpstreamClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code rewrite IN [OUT]} and {@code rewrite --out-dir DIR FILE...}. Output files are written to a temporary file
 * beside the target and moved into place only when complete, so a failure never leaves a half-written page and the
 * input is never touched, even when OUT is IN. With {@code --previews DIR}, the stills of embeds whose provider
 * publishes one are downloaded into DIR and shown in the placeholders ({@link DownloadedPreviews}).
 */
final class RewriteCommand {
    private static final Set<String> OPTIONS = Stream.concat(Stream.of("--out-dir", "--lang", "--consented", "--base",
            "--previews", "--previews-url"), Setup.VALUE_OPTIONS.stream()).collect(Collectors.toUnmodifiableSet());

    /** What a {@code --previews-url} may hold: no backslash, quote, angle bracket, white space or control. */
    private static final Pattern SITE_PATH = Pattern.compile("[^\\\\\"<>\\s\\p{Cntrl}]*");

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<UpstreamClient> previewClient;

    RewriteCommand(PrintStream out, PrintStream err) {
        this(out, err, () -> UpstreamClient.builder().build());
    }

    /** @param previewClient the upstream client of {@code --previews} (tests route it to a fake provider) */
    RewriteCommand(PrintStream out, PrintStream err, Supplier<UpstreamClient> previewClient) {
        this.out = out;
        this.err = err;
        this.previewClient = previewClient;
    }

    int run(List<String> args) {
        CommandLine cl = new CommandLine(args, OPTIONS, Setup.FLAGS);
        String outDir = cl.option("--out-dir");
        List<String> files = cl.operands();
        if (outDir == null && (files.isEmpty() || files.size() > 2)) {
            throw new UsageException("expected IN [OUT], or --out-dir DIR FILE...");
        }
        if (outDir != null && files.isEmpty()) {
            throw new UsageException("--out-dir needs at least one FILE");
        }
        String lang = cl.option("--lang");
        Set<String> consented = new LinkedHashSet<>();
        String consentedList = cl.option("--consented");
        DownloadedPreviews previews = previews(cl, outDir, files);
        EmbedRewriter rewriter;
        try {
            Setup setup = Setup.from(cl, cl.option("--base"), previews);
            if (lang != null && !setup.placeholders().languages().contains(lang)) {
                throw new UsageException("--lang must be one of " + new TreeSet<>(setup.placeholders().languages())
                        + ", not '" + lang + "'");
            }
            if (consentedList != null) {
                for (String id : consentedList.split(",")) {
                    String trimmed = id.trim();
                    if (trimmed.isEmpty()) {
                        continue;
                    }
                    if (setup.catalogue().get(trimmed).isEmpty()) {
                        throw new UsageException("--consented: unknown provider '" + trimmed + "'; known: "
                                + setup.providerIds() + ", or host:<host> for a frame's host");
                    }
                    consented.add(trimmed);
                }
            }
            rewriter = setup.rewriter();
        } catch (Setup.SetupException e) {
            err.println("embed-consent rewrite: " + e.getMessage());
            return Main.FAILED;
        }
        PageContext context = new PageContext(null, lang, consented, "/", EmbedListener.NONE, null);
        int status = outDir == null
                ? single(rewriter, context, files.get(0), files.size() == 2 ? files.get(1) : null)
                : batch(rewriter, context, Path.of(outDir), files);
        if (previews != null) {
            previews.report();
        }
        return status;
    }

    /**
     * {@code --previews DIR} (and {@code --previews-url PREFIX}): stills downloaded into DIR, linked relative to where
     * the pages are written (the out-dir, OUT's folder, or the working directory for stdout) unless a prefix is given.
     */
    private @Nullable DownloadedPreviews previews(CommandLine cl, @Nullable String outDir, List<String> files) {
        String directory = cl.option("--previews");
        String url = cl.option("--previews-url");
        if (directory == null) {
            if (url != null) {
                throw new UsageException("--previews-url needs --previews DIR");
            }
            return null;
        }
        Path previewDirectory = Path.of(directory);
        if (Files.exists(previewDirectory) && !Files.isDirectory(previewDirectory)) {
            throw new UsageException("--previews " + directory + " is not a directory");
        }
        String prefix;
        if (url != null) {
            // Browsers read a backslash as a slash, so "/\cdn.example/" would be a link to another origin.
            if (!SITE_PATH.matcher(url).matches() || url.startsWith("//")
                    || url.matches("(?i)^[a-z][a-z0-9+.-]*:.*")) {
                throw new UsageException("--previews-url must be a path on the site, such as /static/previews/, not '"
                        + url + "'");
            }
            prefix = url.isEmpty() || url.endsWith("/") ? url : url + "/";
        } else {
            Path pages = outDir != null ? Path.of(outDir)
                    : files.size() == 2 ? Path.of(files.get(1)).toAbsolutePath().getParent()
                    : Path.of("");
            prefix = DownloadedPreviews.relativePrefix(pages, previewDirectory);
        }
        return new DownloadedPreviews(previewDirectory, prefix,
                new PreviewFetcher(previewClient.get(), PreviewFetcher.DEFAULT_MAX_IMAGE_BYTES), err);
    }

    private int single(EmbedRewriter rewriter, PageContext context, String in, String outPath) {
        try {
            if (outPath == null) {
                try (InputStream input = open(in)) {
                    OutputStream stdout = new BufferedOutputStream(out, 1 << 16);
                    rewriter.rewrite(input, stdout, context);
                    stdout.flush();
                }
            } else {
                rewriteToFile(rewriter, context, in, Path.of(outPath));
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("embed-consent rewrite: " + describe(e));
            return Main.FAILED;
        }
    }

    private int batch(EmbedRewriter rewriter, PageContext context, Path outDir, List<String> files) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            err.println("embed-consent rewrite: cannot create output directory " + outDir + ": " + describe(e));
            return Main.FAILED;
        }
        if (!Files.isDirectory(outDir)) {
            err.println("embed-consent rewrite: --out-dir " + outDir + " is not a directory");
            return Main.FAILED;
        }
        Progress progress = Progress.forStderr(err, files.size());
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i);
            progress.update(i, file);
            try {
                if (file.equals("-")) {
                    throw new InputException("'-' (stdin) cannot be used with --out-dir");
                }
                rewriteToFile(rewriter, context, file, outDir.resolve(Path.of(file).getFileName()));
            } catch (IOException e) {
                failed++;
                progress.clear();
                err.println("embed-consent rewrite: " + describe(e));
            }
        }
        progress.done();
        if (failed > 0) {
            err.println("embed-consent rewrite: " + failed + " of " + files.size() + " files failed");
            return Main.FAILED;
        }
        return Main.OK;
    }

    private static void rewriteToFile(EmbedRewriter rewriter, PageContext context, String in, Path target)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (InputStream input = open(in);
                    OutputStream output = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                rewriter.rewrite(input, output, context);
            }
            setPermissions(tmp, target);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files are private; the result gets the target's permissions, or rw-r--r-- for a new file. */
    private static void setPermissions(Path tmp, Path target) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, permissions);
    }

    /** Opens IN with a clear error for a missing, unreadable or directory path. */
    static InputStream open(String in) throws IOException {
        if (in.equals("-")) {
            return new BufferedInputStream(System.in, 1 << 16) {
                @Override
                public void close() {
                    // stdin stays open for the caller
                }
            };
        }
        Path path = Path.of(in);
        if (!Files.exists(path)) {
            throw new InputException(in + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new InputException(in + ": is a directory (pass the files, e.g. " + in + "/*.html)");
        }
        if (!Files.isReadable(path)) {
            throw new InputException(in + ": not readable (permission denied)");
        }
        return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    }

    static String describe(Exception e) {
        if (e instanceof InputException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** A problem with one input file, reported without a stack trace. */
    static final class InputException extends IOException {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }
}
