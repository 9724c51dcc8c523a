package dev.embedconsent.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The request the application sees while its response is a {@link RewritingResponse}: {@code If-None-Match} as the
 * application tagged its page, and a {@code startAsync()} that hands out the wrapped response and a
 * {@link FinishingAsyncContext}, which finishes the document before the context completes.
 */
final class ApplicationRequest extends HttpServletRequestWrapper {
    private final RewritingResponse response;
    private final ConsentRuntime runtime;
    private @Nullable FinishingAsyncContext async;

    ApplicationRequest(HttpServletRequest request, RewritingResponse response, ConsentRuntime runtime) {
        super(request);
        this.response = response;
        this.runtime = runtime;
    }

    /**
     * {@code If-None-Match} as the application knows it: a tag we suffixed for the visitor's current consent
     * variant loses the suffix (so the application can answer 304), tags of other variants keep it (no match).
     * On requests for HTML, tags without any variant suffix are hidden: they name a copy that was not rewritten
     * (cached before the filter was installed) and must not be revalidated.
     */
    @Override
    public @Nullable String getHeader(String name) {
        if (!"If-None-Match".equalsIgnoreCase(name)) {
            return super.getHeader(name);
        }
        List<String> values = ifNoneMatch();
        return values.isEmpty() ? null : String.join(", ", values);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (!"If-None-Match".equalsIgnoreCase(name)) {
            return super.getHeaders(name);
        }
        return Collections.enumeration(ifNoneMatch());
    }

    private List<String> ifNoneMatch() {
        List<String> tags = new ArrayList<>();
        Enumeration<String> headers = super.getHeaders("If-None-Match");
        if (headers == null || !headers.hasMoreElements()) {
            return tags;
        }
        String accept = super.getHeader("Accept");
        boolean html = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
        CacheHeaders.Audience audience = runtime.audience(this);
        String current = runtime.variant(audience, runtime.renderedConsent(this, audience));
        String ours = CacheHeaders.SUFFIX + current + "\"";
        for (String header : Collections.list(headers)) {
            for (String tag : header.split(",")) {
                String t = tag.strip();
                if (t.endsWith(ours)) {
                    tags.add(t.substring(0, t.length() - ours.length()) + "\"");
                    response.revalidating(current);
                } else if (!t.isEmpty() && !(html && !CacheHeaders.hasVariant(t))) {
                    tags.add(t);
                }
            }
        }
        return tags;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
        FinishingAsyncContext context = new FinishingAsyncContext(super.startAsync(request, servletResponse),
                response);
        async = context;
        return context;
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext real = super.getAsyncContext();
        FinishingAsyncContext ours = async;
        return ours != null && ours.wraps(real) ? ours : real;
    }
}
