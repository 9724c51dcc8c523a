package dev.embedconsent.servlet;

/** The container suite on Jetty with {@code render-consented=client}. */
class JettyClientModeFilterIT extends FilterContainerContract {
    @Override
    String containerName() {
        return "jetty";
    }

    @Override
    RenderConsented mode() {
        return RenderConsented.CLIENT;
    }
}
