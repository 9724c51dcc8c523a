package dev.embedconsent.servlet;

/** The client fault suite on Tomcat 11. */
class TomcatClientFaultsIT extends ClientFaultsContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
