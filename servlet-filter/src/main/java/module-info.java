/**
 * The Jakarta Servlet filter of Embed Consent: it rewrites {@code text/html} responses, serves the consent endpoints
 * and the activation script, and exports only {@code dev.embedconsent.servlet}.
 */
module dev.embedconsent.servlet {
    requires transitive dev.embedconsent.core;
    requires transitive jakarta.servlet;
    requires com.github.benmanes.caffeine;
    requires java.management;
    requires static transitive org.jspecify;

    exports dev.embedconsent.servlet;
}
