package dev.embedconsent.preview;

/**
 * There is no preview still for an embed: the provider offers none for it, the network failed, or what came back was
 * not acceptable. The message says which, without anything about a visitor.
 */
public final class PreviewUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public PreviewUnavailableException(String message) {
        super(message);
    }

    public PreviewUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
