package dev.embedconsent.servlet;

/** The container suite on Tomcat with {@code render-consented=client}. */
class TomcatClientModeFilterIT extends FilterContainerContract {
    @Override
    String containerName() {
        return "tomcat";
    }

    @Override
    RenderConsented mode() {
        return RenderConsented.CLIENT;
    }
}
