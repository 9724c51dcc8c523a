package dev.embedconsent.servlet;

/** The container suite on Tomcat with {@code render-consented=client}. */
class TomcatClientModeFilterIT extends ClientModeFilterContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
