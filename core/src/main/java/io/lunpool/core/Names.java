package io.lunpool.core;

import java.util.regex.Pattern;

/**
 * Validation of names that come from outside: volumes, pools and hosts. Volume names follow Docker's
 * rule {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}; on top of it no {@code ..} and at most {@value #MAX_LENGTH}
 * characters, because a name becomes a ZooKeeper node and a directory under the mounts folder.
 */
public final class Names {
    public static final int MAX_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:-]*");

    private Names() {
    }

    /** Returns the name, or throws INVALID with a message naming what is wrong. */
    public static String volume(String name) {
        return check("volume", name, NAME);
    }

    public static String pool(String name) {
        return check("pool", name, NAME);
    }

    public static String host(String name) {
        return check("host", name, HOST);
    }

    private static String check(String kind, String name, Pattern rule) {
        if (name == null || name.isEmpty()) {
            throw LunpoolException.invalid(kind + " name is missing or empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw LunpoolException.invalid(kind + " name is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw LunpoolException.invalid(kind + " name contains a control character (code " + (int) c
                        + ") at position " + i);
            }
        }
        if (name.contains("/") || name.contains("\\")) {
            throw LunpoolException.invalid(kind + " name '" + name + "' contains a path separator");
        }
        if (name.contains("..")) {
            throw LunpoolException.invalid(kind + " name '" + name + "' contains '..'");
        }
        if (!rule.matcher(name).matches()) {
            throw LunpoolException.invalid(kind + " name '" + name + "' is not valid: it must match "
                    + rule.pattern() + " (letters, digits, '_', '.', '-'; at least 2 characters; first a letter or digit)");
        }
        return name;
    }
}
