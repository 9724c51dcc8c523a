package dev.embedconsent.servlet;

/** The abusive request suite on Jetty 12 (ee10). */
class JettyAbusiveRequestsIT extends AbusiveRequestsContract {
    @Override
    String containerName() {
        return "jetty";
    }
}
