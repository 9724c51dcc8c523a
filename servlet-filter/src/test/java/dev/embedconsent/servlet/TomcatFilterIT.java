package dev.embedconsent.servlet;

/** The container suite on Tomcat 11, {@code render-consented=server}. */
class TomcatFilterIT extends FilterContainerContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
