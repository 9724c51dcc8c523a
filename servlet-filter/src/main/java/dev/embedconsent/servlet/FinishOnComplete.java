package dev.embedconsent.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;

/**
 * Finishes the document when an async context completes without going through {@link FinishingAsyncContext}, e.g.
 * one the application started on the container's own request; drops it when the async work fails.
 */
final class FinishOnComplete implements AsyncListener {
    private final RewritingResponse response;

    FinishOnComplete(RewritingResponse response) {
        this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) throws IOException {
        response.finish();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // the container completes the request next, which reaches onComplete
    }

    @Override
    public void onError(AsyncEvent event) {
        response.abandon();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
