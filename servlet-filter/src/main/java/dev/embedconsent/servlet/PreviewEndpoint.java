package dev.embedconsent.servlet;

import dev.embedconsent.preview.PreviewResponse;
import dev.embedconsent.preview.PreviewService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET {base}/preview/...}: a preview still from the site's own origin ({@link PreviewService}).
 * <ul>
 *   <li>A still: {@code 200} with its real type (judged by its bytes), {@code Content-Length}, a strong ETag
 *       ({@code 304} on a match), {@code Cache-Control: public, max-age=86400} (the same for every visitor; the URL is
 *       signed), {@code nosniff}, {@code Cross-Origin-Resource-Policy: same-origin} and a CSP that lets it run
 *       nothing.</li>
 *   <li>A signed URL whose still cannot be had now: {@code 200} with a neutral fallback picture, cacheable for a
 *       minute, marked {@code X-Embed-Consent-Preview: unavailable}: a page never shows a broken image.</li>
 *   <li>Anything this site did not sign: a JSON {@code 403} or {@code 404}, {@code no-store}, with no upstream
 *       request.</li>
 * </ul>
 */
final class PreviewEndpoint {
    static final String PREFIX = "/preview/";
    static final String STATUS_HEADER = "X-Embed-Consent-Preview";

    private final PreviewService previews;
    private final byte[] fallback;

    PreviewEndpoint(PreviewService previews) {
        this.previews = previews;
        try (InputStream in = PreviewEndpoint.class.getClassLoader()
                .getResourceAsStream(StaticAsset.RESOURCE_DIRECTORY + "preview-fallback.svg")) {
            if (in == null) {
                throw new IllegalStateException("preview-fallback.svg is missing from the class path");
            }
            this.fallback = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read preview-fallback.svg", e);
        }
    }

    /**
     * Serves one request.
     *
     * @param rest the path after {@code {base}/preview/}
     * @return null when served, else the rejection to answer as a JSON error
     */
    PreviewResponse.@Nullable Rejected serve(String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        PreviewResponse answer = previews.serve(rest);
        if (answer instanceof PreviewResponse.Rejected rejected) {
            response.setHeader("Cache-Control", "no-store");
            return rejected;
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        if (answer instanceof PreviewResponse.Image image) {
            response.setHeader(STATUS_HEADER, "ok");
            response.setHeader("Cache-Control", "public, max-age=86400");
            response.setHeader("ETag", image.etag());
            response.setContentType(image.mediaType());
            if (StaticAsset.matches(request.getHeader("If-None-Match"), image.etag())) {
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return null;
            }
            write(request, response, image.bytes());
        } else {
            response.setHeader(STATUS_HEADER, "unavailable");
            response.setHeader("Cache-Control", "public, max-age=60");
            response.setContentType("image/svg+xml");
            write(request, response, fallback);
        }
        return null;
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, byte[] body)
            throws IOException {
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
