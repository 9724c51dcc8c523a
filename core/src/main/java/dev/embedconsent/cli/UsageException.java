package dev.embedconsent.cli;

/** A bad command line: reported with usage hints and exit status 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
