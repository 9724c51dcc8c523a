package dev.embedconsent.servlet;

/** The preview suite on Tomcat 11. */
class TomcatPreviewIT extends PreviewContainerContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
