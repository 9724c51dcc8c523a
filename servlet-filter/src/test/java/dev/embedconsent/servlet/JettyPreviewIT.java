package dev.embedconsent.servlet;

/** The preview suite on Jetty 12 (ee10). */
class JettyPreviewIT extends PreviewContainerContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
