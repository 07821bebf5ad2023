package io.lunpool.scheduler.mesos.client;

import io.lunpool.core.LunpoolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The scheduler client's settings, validated by {@link Builder#build()}: a bad value is refused with an INVALID
 * {@link LunpoolException} whose message starts with the setting's name ({@code mesos.role}, …).
 *
 * <ul>
 *   <li>{@code master}: {@code http(s)://host:port} of any master, or {@code zk://host:port,…/mesos}.</li>
 *   <li>{@code contentType}: {@code protobuf} (default) or {@code json}, for calls and events alike.</li>
 *   <li>{@code user}, {@code name}, {@code role} (required), {@code principal}, {@code webuiUrl}, {@code hostname}:
 *       the FrameworkInfo fields.</li>
 *   <li>{@code secretFile}: with a principal, HTTP Basic authentication on every request; read once at build.</li>
 *   <li>{@code failoverTimeout} (one week): how long the master keeps the framework's tasks while it is away.</li>
 *   <li>{@code callTimeout} (75 s): the longest wait for a call's answer.</li>
 *   <li>{@code reconnectBackoffMin}/{@code Max} (1 s / 15 s, max at most 30 s): the wait between subscriptions.</li>
 *   <li>{@code maxRedirects} (5): redirects followed per request.</li>
 *   <li>{@code offerHoldTimeout} (30 s): an offer not answered in that time is declined with
 *       {@code declineRefuse} (120 s).</li>
 *   <li>{@code reviveMinInterval} (5 s): at most one REVIVE per interval.</li>
 *   <li>{@code reconcileRetryMin}/{@code Max} (10 s / 5 min): the backoff of explicit reconciliation retries;
 *       {@code implicitReconcileInterval} (15 min); {@code reconcileBatch} (1000 tasks per call).</li>
 * </ul>
 */
public record MesosClientSettings(MasterLocation master, MesosContentType contentType, String user, String name,
                                  String role, Optional<String> principal, Optional<MesosCredentials> credentials,
                                  Optional<String> webuiUrl, Optional<String> hostname, Duration failoverTimeout,
                                  Duration callTimeout, Duration reconnectBackoffMin, Duration reconnectBackoffMax,
                                  int maxRedirects, Duration offerHoldTimeout, Duration declineRefuse,
                                  Duration reviveMinInterval, Duration reconcileRetryMin, Duration reconcileRetryMax,
                                  Duration implicitReconcileInterval, int reconcileBatch) {
    static final Duration MAX_RECONNECT_BACKOFF = Duration.ofSeconds(30);
    private static final String ROLE_CHARS = "[^/\\s\\\\]+(/[^/\\s\\\\]+)*";

    public static Builder builder() {
        return new Builder();
    }

    /** The settings as they come from a configuration file; {@link #build()} checks them all. */
    public static final class Builder {
        private String master;
        private String contentType = "protobuf";
        private String user = System.getProperty("user.name", "root");
        private String name = "lunpool";
        private String role;
        private String principal;
        private String secretFile;
        private String webuiUrl;
        private String hostname;
        private Duration failoverTimeout = Duration.ofDays(7);
        private Duration callTimeout = Duration.ofSeconds(75);
        private Duration reconnectBackoffMin = Duration.ofSeconds(1);
        private Duration reconnectBackoffMax = Duration.ofSeconds(15);
        private int maxRedirects = 5;
        private Duration offerHoldTimeout = Duration.ofSeconds(30);
        private Duration declineRefuse = Duration.ofSeconds(120);
        private Duration reviveMinInterval = Duration.ofSeconds(5);
        private Duration reconcileRetryMin = Duration.ofSeconds(10);
        private Duration reconcileRetryMax = Duration.ofMinutes(5);
        private Duration implicitReconcileInterval = Duration.ofMinutes(15);
        private int reconcileBatch = 1000;

        public Builder master(String v) { master = v; return this; }
        public Builder contentType(String v) { contentType = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder role(String v) { role = v; return this; }
        public Builder principal(String v) { principal = v; return this; }
        public Builder secretFile(String v) { secretFile = v; return this; }
        public Builder webuiUrl(String v) { webuiUrl = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder failoverTimeout(Duration v) { failoverTimeout = v; return this; }
        public Builder callTimeout(Duration v) { callTimeout = v; return this; }
        public Builder reconnectBackoffMin(Duration v) { reconnectBackoffMin = v; return this; }
        public Builder reconnectBackoffMax(Duration v) { reconnectBackoffMax = v; return this; }
        public Builder maxRedirects(int v) { maxRedirects = v; return this; }
        public Builder offerHoldTimeout(Duration v) { offerHoldTimeout = v; return this; }
        public Builder declineRefuse(Duration v) { declineRefuse = v; return this; }
        public Builder reviveMinInterval(Duration v) { reviveMinInterval = v; return this; }
        public Builder reconcileRetryMin(Duration v) { reconcileRetryMin = v; return this; }
        public Builder reconcileRetryMax(Duration v) { reconcileRetryMax = v; return this; }
        public Builder implicitReconcileInterval(Duration v) { implicitReconcileInterval = v; return this; }
        public Builder reconcileBatch(int v) { reconcileBatch = v; return this; }

        public MesosClientSettings build() {
            MasterLocation location;
            try {
                location = MasterLocation.parse(master);
            } catch (IllegalArgumentException e) {
                throw bad("master", e.getMessage());
            }
            MesosContentType type = MesosContentType.ofSetting(contentType == null ? "" : contentType)
                    .orElseThrow(() -> bad("contentType", "'" + contentType + "' is unknown; use json or protobuf"));
            require("user", user);
            require("name", name);
            if (role == null || role.isBlank()) {
                throw bad("role", "is required: the role the framework subscribes with and reserves resources for");
            }
            if (role.equals("*") || !role.matches(ROLE_CHARS) || role.startsWith("-")
                    || role.equals(".") || role.equals("..")) {
                throw bad("role", "'" + role + "' is not a role a framework can reserve for");
            }
            Optional<String> principalValue = optional(principal);
            Optional<MesosCredentials> credentials = Optional.empty();
            if (secretFile != null && !secretFile.isBlank()) {
                if (principalValue.isEmpty()) {
                    throw bad("secretFile", "is set but principal is not; the secret authenticates the principal");
                }
                credentials = Optional.of(new MesosCredentials(principalValue.get(), readSecret(secretFile)));
            }
            positive("failoverTimeout", failoverTimeout);
            positive("callTimeout", callTimeout);
            positive("reconnectBackoffMin", reconnectBackoffMin);
            positive("reconnectBackoffMax", reconnectBackoffMax);
            if (reconnectBackoffMax.compareTo(MAX_RECONNECT_BACKOFF) > 0) {
                throw bad("reconnectBackoffMax", reconnectBackoffMax + " is over the cap of " + MAX_RECONNECT_BACKOFF);
            }
            if (reconnectBackoffMin.compareTo(reconnectBackoffMax) > 0) {
                throw bad("reconnectBackoffMin", reconnectBackoffMin + " is over reconnectBackoffMax");
            }
            if (maxRedirects < 1 || maxRedirects > 20) {
                throw bad("maxRedirects", maxRedirects + " is not between 1 and 20");
            }
            positive("offerHoldTimeout", offerHoldTimeout);
            positive("declineRefuse", declineRefuse);
            if (declineRefuse.compareTo(Duration.ofDays(365)) > 0) {
                throw bad("declineRefuse", declineRefuse + " is over the master's cap of 365 days");
            }
            positive("reviveMinInterval", reviveMinInterval);
            positive("reconcileRetryMin", reconcileRetryMin);
            positive("reconcileRetryMax", reconcileRetryMax);
            if (reconcileRetryMin.compareTo(reconcileRetryMax) > 0) {
                throw bad("reconcileRetryMin", reconcileRetryMin + " is over reconcileRetryMax");
            }
            positive("implicitReconcileInterval", implicitReconcileInterval);
            if (reconcileBatch < 1) {
                throw bad("reconcileBatch", reconcileBatch + " is not a positive number of tasks");
            }
            return new MesosClientSettings(location, type, user, name, role, principalValue, credentials,
                    optional(webuiUrl), optional(hostname), failoverTimeout, callTimeout, reconnectBackoffMin,
                    reconnectBackoffMax, maxRedirects, offerHoldTimeout, declineRefuse, reviveMinInterval,
                    reconcileRetryMin, reconcileRetryMax, implicitReconcileInterval, reconcileBatch);
        }

        private static String readSecret(String file) {
            try {
                String secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (secret.isEmpty()) {
                    throw bad("secretFile", file + " is empty");
                }
                return secret;
            } catch (IOException | SecurityException e) {
                throw bad("secretFile", file + " cannot be read: " + e);
            }
        }

        private static void require(String setting, String value) {
            if (value == null || value.isBlank()) {
                throw bad(setting, "is required");
            }
        }

        private static void positive(String setting, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw bad(setting, "must be a positive duration, not " + value);
            }
        }

        private static Optional<String> optional(String value) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }

        private static LunpoolException bad(String setting, String problem) {
            return LunpoolException.invalid("mesos." + setting + " " + problem);
        }
    }
}
