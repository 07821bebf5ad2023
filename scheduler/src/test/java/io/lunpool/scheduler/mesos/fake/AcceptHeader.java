package io.lunpool.scheduler.mesos.fake;

/**
 * Whether an {@code Accept} header allows a media type (libprocess' {@code acceptsMediaType}): no header allows
 * everything; otherwise a listed type, its {@code type/*} or {@code *}{@code /*} with a q-value above 0.
 */
final class AcceptHeader {
    private AcceptHeader() {
    }

    static boolean accepts(String header, String mediaType) {
        if (header == null) {
            return true;
        }
        String[] wanted = mediaType.split("/", 2);
        for (String item : header.split(",")) {
            String[] parts = item.trim().split(";");
            String range = parts[0].trim().toLowerCase();
            double q = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q <= 0) {
                continue;
            }
            if (range.equals("*/*") || range.equals(mediaType) || range.equals(wanted[0] + "/*")) {
                return true;
            }
        }
        return false;
    }
}
