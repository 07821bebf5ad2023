package io.lunpool.scheduler.store;

import java.util.Objects;

/**
 * The one place that names ZooKeeper paths. Everything lunpool keeps lives under one root (default
 * {@value #DEFAULT_ROOT}), so tests and several clusters can share one ZooKeeper:
 *
 * <pre>
 * {root}/schema                  {"version": N}
 * {root}/leader                  Curator election node(s)
 * {root}/framework               Mesos framework id
 * {root}/terms/{election node}   the marker of each leader term (see StoreOp.Marker)
 * {root}/{pools,luns,volumes,attachments,hosts}/{key}
 * </pre>
 *
 * Paths are absolute; the Curator client used with them must not have a namespace.
 */
public final class ZkPaths {
    public static final String DEFAULT_ROOT = "/lunpool";

    private final String root;

    public ZkPaths() {
        this(DEFAULT_ROOT);
    }

    public ZkPaths(String root) {
        Objects.requireNonNull(root, "root");
        if (!root.startsWith("/") || root.length() < 2 || root.endsWith("/") || root.contains("//")) {
            throw new IllegalArgumentException("ZooKeeper root '" + root
                    + "' must be an absolute path like /lunpool, without a trailing slash");
        }
        this.root = root;
    }

    public String root() {
        return root;
    }

    public String schema() {
        return root + "/schema";
    }

    public String leader() {
        return root + "/leader";
    }

    public String framework() {
        return root + "/framework";
    }

    /** The folder of the term markers, one per leader term. */
    public String terms() {
        return root + "/terms";
    }

    /**
     * The marker of the term fenced by {@code fenceToken} (the absolute path of the leader's election node):
     * {@code {root}/terms/<the election node's name>}.
     */
    public String term(String fenceToken) {
        return terms() + "/" + checkKey(termName(fenceToken));
    }

    /** The name of a term: the last segment of its fence token (the election node's name). */
    public static String termName(String fenceToken) {
        if (fenceToken == null) {
            throw new IllegalArgumentException("a term needs the path of its election node, not null");
        }
        return fenceToken.substring(fenceToken.lastIndexOf('/') + 1);
    }

    public String folder(Kind<?> kind) {
        return root + "/" + kind.folder();
    }

    public String node(Kind<?> kind, String key) {
        return folder(kind) + "/" + checkKey(key);
    }

    /**
     * Returns the key if it can be one path segment (not empty, no '/', not '.' or '..', no control
     * characters), else throws IllegalArgumentException. Both stores apply it, so they refuse the same keys.
     */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.equals(".") || key.equals("..") || key.indexOf('/') >= 0
                || key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("key '" + key
                    + "' cannot name a record: it must be a non-empty name without '/' or control characters");
        }
        return key;
    }

    @Override
    public String toString() {
        return root;
    }
}
