package dev.embedconsent.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The async context the application gets from {@link ApplicationRequest#startAsync}: {@link #complete()} first ends
 * the rewritten document (the rewriter's tail is written while the response is still open), then completes. Every
 * other method is the container's.
 */
final class FinishingAsyncContext implements AsyncContext {
    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());

    private final AsyncContext delegate;
    private final RewritingResponse response;

    FinishingAsyncContext(AsyncContext delegate, RewritingResponse response) {
        this.delegate = delegate;
        this.response = response;
    }

    /** Whether this wraps {@code context}. */
    boolean wraps(AsyncContext context) {
        return delegate == context;
    }

    @Override
    public void complete() {
        try {
            response.finish();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not finish the rewritten response (client gone?)", e);
        } finally {
            delegate.complete();
        }
    }

    @Override
    public ServletRequest getRequest() {
        return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        delegate.dispatch(context, path);
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse servletResponse) {
        delegate.addListener(listener, request, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return delegate.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }
}
