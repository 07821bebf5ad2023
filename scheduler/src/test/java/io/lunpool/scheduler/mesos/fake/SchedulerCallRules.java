package io.lunpool.scheduler.mesos.fake;

import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The master's validation of a scheduler call before it looks at any framework: a type; for SUBSCRIBE the
 * {@code subscribe} message, equal top-level and FrameworkInfo ids, and the authenticated principal; for every
 * other call a top-level {@code framework_id} and its own message; 16-byte uuids in acknowledgements; an agent in
 * an operation-status acknowledgement. A failure is a 400.
 */
final class SchedulerCallRules {
    private SchedulerCallRules() {
    }

    static Optional<String> invalid(Call call, Optional<String> principal) {
        if (!call.hasType()) {
            return Optional.of("Expecting 'type' to be present");
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) {
                return Optional.of("Expecting 'subscribe' to be present");
            }
            var info = call.getSubscribe().getFrameworkInfo();
            if (!info.getId().equals(call.getFrameworkId())) {
                return Optional.of("'framework_id' differs from 'subscribe.framework_info.id'");
            }
            if (principal.isPresent() && info.hasPrincipal() && !principal.get().equals(info.getPrincipal())) {
                return Optional.of("Authenticated principal '" + principal.get() + "' does not match principal '"
                        + info.getPrincipal() + "' set in `FrameworkInfo`");
            }
            return Optional.empty();
        }
        if (!call.hasFrameworkId()) {
            return Optional.of("Expecting 'framework_id' to be present");
        }
        return switch (call.getType()) {
            case ACCEPT -> present(call.hasAccept(), "accept");
            case DECLINE -> present(call.hasDecline(), "decline");
            case ACCEPT_INVERSE_OFFERS -> present(call.hasAcceptInverseOffers(), "accept_inverse_offers");
            case DECLINE_INVERSE_OFFERS -> present(call.hasDeclineInverseOffers(), "decline_inverse_offers");
            case KILL -> present(call.hasKill(), "kill");
            case SHUTDOWN -> present(call.hasShutdown(), "shutdown");
            case ACKNOWLEDGE -> call.hasAcknowledge()
                    ? uuid(call.getAcknowledge().getUuid().size()) : present(false, "acknowledge");
            case ACKNOWLEDGE_OPERATION_STATUS -> !call.hasAcknowledgeOperationStatus()
                    ? present(false, "acknowledge_operation_status")
                    : uuid(call.getAcknowledgeOperationStatus().getUuid().size()).or(() ->
                    call.getAcknowledgeOperationStatus().hasAgentId() ? Optional.empty()
                            : Optional.of("Expecting 'agent_id' to be present"));
            case RECONCILE -> present(call.hasReconcile(), "reconcile");
            case RECONCILE_OPERATIONS -> present(call.hasReconcileOperations(), "reconcile_operations");
            case MESSAGE -> present(call.hasMessage(), "message");
            case REQUEST -> present(call.hasRequest(), "request");
            case UPDATE_FRAMEWORK -> !call.hasUpdateFramework() ? present(false, "update_framework")
                    : call.getUpdateFramework().getFrameworkInfo().getId().equals(call.getFrameworkId())
                    ? Optional.empty()
                    : Optional.of("'framework_id' differs from 'update_framework.framework_info.id'");
            default -> Optional.empty();
        };
    }

    private static Optional<String> present(boolean has, String field) {
        return has ? Optional.empty() : Optional.of("Expecting '" + field + "' to be present");
    }

    private static Optional<String> uuid(int bytes) {
        return bytes == 16 ? Optional.empty()
                : Optional.of("Invalid UUID: expecting 16 bytes, not " + bytes);
    }
}
