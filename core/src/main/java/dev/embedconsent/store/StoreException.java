package dev.embedconsent.store;

/** A store could not do what was asked (I/O or database failure, lock held by another process, damaged data). */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
