package dev.embedconsent.cli;

import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.placeholder.PreviewSource;
import dev.embedconsent.preview.FetchedPreview;
import dev.embedconsent.preview.ImageFormat;
import dev.embedconsent.preview.PreviewFetcher;
import dev.embedconsent.preview.PreviewUnavailableException;
import dev.embedconsent.provider.Provider;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code rewrite --previews DIR}: each embed's preview still is downloaded into DIR while the page is rewritten (the
 * same rules as the filter's proxy: the provider's own hosts, https, no private addresses, real images only) and the
 * placeholder points at it with a relative URL, so a static site shows previews without running the filter. A still
 * already in DIR from an earlier run is used again without a request. An embed whose still cannot be had gets a
 * placeholder without one, and a line on stderr says why.
 */
final class DownloadedPreviews implements PreviewSource {
    private static final String TITLE_SUFFIX = ".title";

    private final Path directory;
    private final String urlPrefix;
    private final PreviewFetcher fetcher;
    private final PrintStream err;
    private final Map<String, Optional<Preview>> known = new HashMap<>();
    private int downloaded;
    private int reused;
    private int unavailable;

    /**
     * @param urlPrefix what placeholders put before a file name, ending with {@code /} (or empty)
     */
    DownloadedPreviews(Path directory, String urlPrefix, PreviewFetcher fetcher, PrintStream err) {
        this.directory = directory;
        this.urlPrefix = urlPrefix;
        this.fetcher = fetcher;
        this.err = err;
    }

    /**
     * The prefix of relative URLs from pages in {@code pageDirectory} to files in {@code previewDirectory}, each
     * segment percent-encoded, e.g. {@code previews/} or {@code ../static/previews/}.
     */
    static String relativePrefix(Path pageDirectory, Path previewDirectory) {
        Path relative = pageDirectory.toAbsolutePath().normalize()
                .relativize(previewDirectory.toAbsolutePath().normalize());
        StringBuilder out = new StringBuilder();
        for (Path segment : relative) {
            String name = segment.toString();
            if (name.isEmpty()) {
                continue;
            }
            out.append(name.equals("..") ? ".." : URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                    .append('/');
        }
        return out.toString();
    }

    @Override
    public synchronized @Nullable Preview preview(Provider provider, String embedUrl) {
        String stem = PreviewFetcher.fileStem(provider, embedUrl);
        if (stem == null) {
            return null;
        }
        Optional<Preview> preview = known.get(stem);
        if (preview == null) {
            preview = Optional.ofNullable(find(stem));
            if (preview.isPresent()) {
                reused++;
            } else {
                preview = Optional.ofNullable(download(provider, embedUrl, stem));
            }
            known.put(stem, preview);
        }
        return preview.orElse(null);
    }

    /** One line on stderr: how many stills were downloaded, reused and not to be had. */
    void report() {
        if (downloaded + reused + unavailable > 0) {
            err.println("embed-consent rewrite: previews in " + directory + ": " + downloaded + " downloaded, "
                    + reused + " already there, " + unavailable + " not available");
        }
    }

    int unavailable() {
        return unavailable;
    }

    private @Nullable Preview find(String stem) {
        for (ImageFormat format : ImageFormat.values()) {
            String name = stem + "." + format.extension();
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                String title = null;
                try {
                    Path titleFile = directory.resolve(stem + TITLE_SUFFIX);
                    if (Files.isRegularFile(titleFile)) {
                        title = Files.readString(titleFile, StandardCharsets.UTF_8).strip();
                    }
                } catch (IOException e) {
                    // the still counts; a title is a bonus
                }
                return new Preview(urlPrefix + name, title == null || title.isEmpty() ? null : title);
            }
        }
        return null;
    }

    private @Nullable Preview download(Provider provider, String embedUrl, String stem) {
        FetchedPreview still;
        try {
            still = fetcher.fetch(provider, embedUrl);
        } catch (PreviewUnavailableException e) {
            unavailable++;
            err.println("embed-consent rewrite: no preview for " + provider.id() + " " + stem + ": "
                    + e.getMessage());
            return null;
        }
        String name = stem + "." + still.format().extension();
        try {
            Files.createDirectories(directory);
            write(directory.resolve(name), still.image());
            if (still.title() != null) {
                write(directory.resolve(stem + TITLE_SUFFIX), still.title().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            unavailable++;
            err.println("embed-consent rewrite: cannot write the preview " + directory.resolve(name) + ": " + e);
            return null;
        }
        downloaded++;
        err.println("embed-consent rewrite: preview " + name + " (" + still.image().length / 1024 + " KB)");
        return new Preview(urlPrefix + name, still.title());
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
