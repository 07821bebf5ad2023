package io.lunpool.scheduler.mesos.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The framework's principal and secret for HTTP Basic authentication; the secret never appears in a string. */
public record MesosCredentials(String principal, String secret) {
    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "MesosCredentials[principal=" + principal + ", secret=<hidden>]";
    }
}
