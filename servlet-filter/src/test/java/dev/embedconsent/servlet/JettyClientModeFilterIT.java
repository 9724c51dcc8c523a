package dev.embedconsent.servlet;

/** The container suite on Jetty with {@code render-consented=client}. */
class JettyClientModeFilterIT extends ClientModeFilterContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
