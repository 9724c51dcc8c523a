package dev.embedconsent.servlet;

/** The client fault suite on Jetty 12 (ee10). */
class JettyClientFaultsIT extends ClientFaultsContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
