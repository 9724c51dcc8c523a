package dev.embedconsent.preview;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A provider's answer to {@link UpstreamClient#get}: always status 200 (other statuses are exceptions), the body in
 * full and no larger than the limit the caller gave. The body array is copied in and out, so a response is
 * immutable.
 *
 * @param url the URL that answered: the one asked for, or where the allowed redirects led
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type} header as sent, or {@code null} without one; not to be trusted for
 *     images (see {@link ImageFormat#detect})
 * @param body the response body, decoded from chunked transfer coding if it was chunked
 */
public record UpstreamResponse(URI url, int status, @Nullable String contentType, byte[] body) {

    public UpstreamResponse {
        Objects.requireNonNull(url, "url");
        body = Objects.requireNonNull(body, "body").clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof UpstreamResponse other && other.url.equals(url) && other.status == status
                && Objects.equals(other.contentType, contentType) && Arrays.equals(other.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, status, contentType, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "UpstreamResponse[" + url + ", " + status + ", " + contentType + ", " + body.length + " bytes]";
    }
}
