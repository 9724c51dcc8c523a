package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * One bundled asset ({@code embed-consent.js} or {@code .css}), read once from the class path. Served with a strong
 * ETag (SHA-256 of the bytes, answered with 304 on a match), {@code Cache-Control: public, max-age=3600} (the URL is
 * not versioned, so a deploy shows within the hour and revalidation is cheap), and {@code nosniff}.
 */
final class StaticAsset {
    static final String RESOURCE_DIRECTORY = "dev/embedconsent/servlet/assets/";

    private final String contentType;
    private final byte[] bytes;
    private final String etag;

    private StaticAsset(String contentType, byte[] bytes) {
        this.contentType = contentType;
        this.bytes = bytes;
        try {
            this.etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16)
                    + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The asset, or {@code null} when the jar does not contain it. */
    static @Nullable StaticAsset load(String name, String contentType) {
        ClassLoader loader = StaticAsset.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            return in == null ? null : new StaticAsset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled asset " + name, e);
        }
    }

    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType(contentType);
        if (matches(request.getHeader("If-None-Match"), etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentLength(bytes.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(bytes);
        }
    }

    /** Whether an {@code If-None-Match} value names {@code etag} (weakly compared, or {@code *}). */
    static boolean matches(@Nullable String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
