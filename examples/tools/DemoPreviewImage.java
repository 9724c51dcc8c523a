import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Draws the demo's own preview still for its delegation-visit video (the project's picture, not YouTube's): a harbour
 * skyline at dusk with the blue and yellow of the visitors' flag. Run from the repository root:
 *
 * <pre>java examples/tools/DemoPreviewImage.java \
 *     examples/src/main/resources/dev/embedconsent/examples/site/delegation-visit-preview.jpg</pre>
 */
public final class DemoPreviewImage {
    public static void main(String[] args) throws IOException {
        int w = 640;
        int h = 360;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        // Sky at dusk.
        g.setPaint(new GradientPaint(0, 0, new Color(0x1d3557), 0, h * 0.62f, new Color(0xe9a15c)));
        g.fillRect(0, 0, w, h);
        // Low sun.
        g.setColor(new Color(255, 214, 140, 200));
        g.fillOval(420, 150, 70, 70);
        // Water.
        g.setPaint(new GradientPaint(0, h * 0.66f, new Color(0x2a4b6e), 0, h, new Color(0x0f2236)));
        g.fillRect(0, (int) (h * 0.66), w, h);
        // Harbour skyline: gabled houses and a church tower.
        g.setColor(new Color(0x14202e));
        int base = (int) (h * 0.66);
        int[][] houses = {{0, 60, 50}, {58, 44, 64}, {100, 52, 46}, {150, 40, 72}, {188, 58, 52}, {244, 36, 60},
                {278, 50, 44}, {326, 46, 68}, {370, 56, 50}, {424, 56, 62}};
        for (int[] house : houses) {
            house[0] = house[0] * 4 / 3;
            house[1] = house[1] * 4 / 3;
        }
        for (int[] house : houses) {
            int x = house[0];
            int width = house[1];
            int height = house[2];
            Path2D roof = new Path2D.Double();
            roof.moveTo(x, base - height);
            roof.lineTo(x + width / 2.0, base - height - width * 0.55);
            roof.lineTo(x + width, base - height);
            roof.closePath();
            g.fill(roof);
            g.fillRect(x, base - height, width, height);
        }
        g.fillRect(283, base - 150, 22, 150);
        Path2D spire = new Path2D.Double();
        spire.moveTo(279, base - 150);
        spire.lineTo(294, base - 196);
        spire.lineTo(309, base - 150);
        spire.closePath();
        g.fill(spire);
        // Lit windows.
        g.setColor(new Color(0xf6d365));
        for (int[] house : houses) {
            g.fillRect(house[0] + house[1] / 2 - 4, base - house[2] / 2 - 6, 8, 10);
        }
        // Reflections.
        g.setColor(new Color(255, 214, 140, 70));
        g.setStroke(new BasicStroke(3));
        for (int y = base + 14; y < h - 10; y += 16) {
            g.drawLine(420 + (y % 30), y, 490 - (y % 24), y);
        }
        // The visitors' colours, as a ribbon.
        g.setColor(new Color(0x0057b7));
        g.fillRect(0, 0, w, 12);
        g.setColor(new Color(0xffd700));
        g.fillRect(0, 12, w, 12);
        g.dispose();

        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.82f);
        File out = new File(args[0]);
        out.delete();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        writer.dispose();
    }
}
