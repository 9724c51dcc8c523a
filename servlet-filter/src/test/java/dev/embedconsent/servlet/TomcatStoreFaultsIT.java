package dev.embedconsent.servlet;

/** The store fault suite on Tomcat 11. */
class TomcatStoreFaultsIT extends StoreFaultsContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
