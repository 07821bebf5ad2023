package io.lunpool.scheduler.mesos.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where to find the leading master, from the {@code master} setting: one master's base URL
 * ({@code http://host:port}, {@code https://host:port}; any master answers and redirects to the leader), or the
 * masters' ZooKeeper group ({@code zk://host:port,host:port/path}, optionally {@code zk://user:secret@…} for a
 * digest), where the leader is the member with the lowest sequence number.
 */
public sealed interface MasterLocation {
    int DEFAULT_PORT = 5050;

    record Direct(URI base) implements MasterLocation {
        @Override
        public String toString() {
            return base.toString();
        }
    }

    record ZooKeeper(String connectString, String path, Optional<String> digest) implements MasterLocation {
        @Override
        public String toString() {
            return "zk://" + connectString + path;
        }
    }

    Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    /** Parses the setting; a malformed value is an {@link IllegalArgumentException} saying what is wrong. */
    static MasterLocation parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("is empty; give http://host:port or zk://host:port,…/mesos");
        }
        String v = value.trim();
        if (v.startsWith("zk://")) {
            return zooKeeper(v);
        }
        if (v.startsWith("http://") || v.startsWith("https://")) {
            return direct(v);
        }
        throw new IllegalArgumentException("'" + v + "' is neither http(s)://host:port nor zk://host:port,…/path");
    }

    private static MasterLocation direct(String v) {
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + v + "' is not a URL: " + e.getMessage(), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + v + "' names no host");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("'" + v + "' has a path; give the master's base URL, http(s)://host:port");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + v + "' has a query, fragment or user; give http(s)://host:port");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port > 65535) {
            throw new IllegalArgumentException("'" + v + "' has a port over 65535");
        }
        return new Direct(URI.create(uri.getScheme() + "://" + hostForUri(uri.getHost()) + ":" + port));
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static MasterLocation zooKeeper(String v) {
        String rest = v.substring("zk://".length());
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("'" + v + "' names no ZooKeeper path; give zk://host:port,…/mesos");
        }
        String authority = rest.substring(0, slash);
        String path = rest.substring(slash);
        if (path.endsWith("/") || path.contains("//") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("'" + v + "' has a malformed ZooKeeper path '" + path + "'");
        }
        Optional<String> digest = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String user = authority.substring(0, at);
            if (!user.contains(":") || user.startsWith(":")) {
                throw new IllegalArgumentException("'" + v + "' has credentials that are not user:secret");
            }
            digest = Optional.of(user);
            authority = authority.substring(at + 1);
        }
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("'" + v + "' names no ZooKeeper server");
        }
        for (String server : authority.split(",", -1)) {
            if (!HOST_PORT.matcher(server).matches()) {
                throw new IllegalArgumentException("'" + server + "' in the master setting is not host:port");
            }
            int colon = server.lastIndexOf(':');
            if (colon > server.lastIndexOf(']') && Integer.parseInt(server.substring(colon + 1)) > 65535) {
                throw new IllegalArgumentException("'" + server + "' in the master setting has a port over 65535");
            }
        }
        return new ZooKeeper(authority, path, digest);
    }
}
