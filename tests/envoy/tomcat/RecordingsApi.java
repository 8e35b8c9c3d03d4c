// A servlet-style recordings API on embedded Tomcat 10.1 (Debian's
// libtomcat10-embed-java): the upstream of tests/envoy/tomcat.test.mjs. It
// serves and "deletes" a recording under /api/v2 and answers /healthz, and
// prints one JSON line per request with the path Tomcat resolved — so the
// test can show what a servlet container makes of /healthz/..;/api/….

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

public class RecordingsApi {
  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset();
    File base = Files.createTempDirectory("recgate-tomcat").toFile();
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.getAbsolutePath());
    tomcat.setHostname("127.0.0.1");
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", base.getAbsolutePath());
    Tomcat.addServlet(ctx, "api", new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String resolved = req.getPathInfo() == null ? req.getServletPath() : req.getServletPath() + req.getPathInfo();
        System.out.println("{\"method\":" + quote(req.getMethod()) + ",\"uri\":" + quote(req.getRequestURI())
            + ",\"resolved\":" + quote(resolved) + ",\"principal\":" + quote(req.getHeader("x-recgate-principal")) + "}");
        System.out.flush();
        res.setContentType("application/json");
        if (resolved.equals("/api/v2/conversations/c-2/recordings/rec-uk-call-1")) {
          if (req.getMethod().equals("GET")) {
            res.getWriter().write("{\"id\":\"rec-uk-call-1\",\"conversationId\":\"c-2\",\"mediaUris\":{\"S\":{\"mediaUri\":\"https://media.acme.test/rec-uk-call-1.webm\"}}}");
          } else {
            res.getWriter().write("{\"id\":\"rec-uk-call-1\",\"deleteDate\":\"2026-12-24T00:00:00Z\"}");
          }
        } else if (resolved.startsWith("/healthz")) {
          res.getWriter().write("{\"ok\":true}");
        } else {
          res.setStatus(404);
          res.getWriter().write("{\"message\":\"no such endpoint\"}");
        }
      }
    });
    ctx.addServletMappingDecoded("/*", "api");
    tomcat.start();
    System.out.println("PORT " + tomcat.getConnector().getLocalPort());
    System.out.flush();
    tomcat.getServer().await();
  }
}
