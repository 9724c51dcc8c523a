package dev.embedconsent.servlet;

/** The EmbedConsent API suite on Tomcat 11. */
class TomcatEmbedConsentApiIT extends EmbedConsentApiContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
