package dev.embedconsent.servlet;

/** The abusive request suite on Tomcat 11. */
class TomcatAbusiveRequestsIT extends AbusiveRequestsContract {
    @Override
    String containerName() {
        return "tomcat";
    }
}
