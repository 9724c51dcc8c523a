package dev.embedconsent.servlet;

/** The store fault suite on Jetty 12 (ee10). */
class JettyStoreFaultsIT extends StoreFaultsContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
