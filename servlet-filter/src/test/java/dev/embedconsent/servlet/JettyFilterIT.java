package dev.embedconsent.servlet;

/** The container suite on Jetty 12 (ee10), {@code render-consented=server}. */
class JettyFilterIT extends FilterContainerContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
