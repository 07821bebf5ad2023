package io.lunpool.scheduler.mesos.fake;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/**
 * The master's checks of a subscription's FrameworkInfo, whose failures come back as 200 + ERROR, not as an
 * HTTP error: the legacy {@code role} together with MULTI_ROLE (or {@code roles} without it), duplicate or
 * invalid roles, roles outside the whitelist, suppressed roles that are not the framework's, a removed framework,
 * an invalid failover timeout.
 */
final class SubscriptionRules {
    private SubscriptionRules() {
    }

    @SuppressWarnings("deprecation")
    static Optional<String> invalid(FrameworkInfo info, List<String> suppressed, Optional<Set<String>> whitelist,
                                    Set<String> removed) {
        boolean multiRole = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        Set<String> roles = new HashSet<>();
        if (multiRole) {
            if (info.hasRole()) {
                return Optional.of("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
            }
            for (String role : info.getRolesList()) {
                if (!roles.add(role)) {
                    return Optional.of("'FrameworkInfo.roles' contains duplicate items: {" + role + "}");
                }
                Optional<String> bad = roleError(role);
                if (bad.isPresent()) {
                    return Optional.of("'FrameworkInfo.roles' contains invalid role: " + bad.get());
                }
            }
        } else {
            if (info.getRolesCount() > 0) {
                return Optional.of("'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
            }
            String role = info.hasRole() ? info.getRole() : "*";
            Optional<String> bad = roleError(role);
            if (bad.isPresent()) {
                return Optional.of("'FrameworkInfo.role' is not a valid role: " + bad.get());
            }
            roles.add(role);
        }
        if (whitelist.isPresent()) {
            Set<String> outside = new HashSet<>(roles);
            outside.removeAll(whitelist.get());
            if (!outside.isEmpty()) {
                return Optional.of("Roles " + outside + " are not present in the master's --roles");
            }
        }
        for (String role : suppressed) {
            if (!roles.contains(role)) {
                return Optional.of("Suppressed role '" + role + "' is not contained in the list of roles");
            }
        }
        if (info.hasId() && removed.contains(info.getId().getValue())) {
            return Optional.of("Framework has been removed");
        }
        double timeout = info.getFailoverTimeout();
        if (Double.isNaN(timeout) || Double.isInfinite(timeout) || timeout < 0 || timeout > 1e9) {
            return Optional.of("The framework failover_timeout (" + timeout + ") is invalid");
        }
        return Optional.empty();
    }

    private static Optional<String> roleError(String role) {
        if (role.isEmpty()) {
            return Optional.of("Empty role name is invalid");
        }
        if (role.equals("*")) {
            return Optional.empty();
        }
        for (String part : role.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.startsWith("-")
                    || part.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\\')) {
                return Optional.of("Role '" + role + "' is not valid");
            }
        }
        return Optional.empty();
    }
}
