package dev.embedconsent.servlet;

/** The EmbedConsent API suite on Jetty 12 (ee10). */
class JettyEmbedConsentApiIT extends EmbedConsentApiContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
