package io.lunpool.scheduler.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.ErrorBody;
import io.lunpool.scheduler.NotLeaderException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every REST error becomes {@code {"reason","message"}} with a fitting status; writes that reach a
 * follower are redirected (307) to the leader. Registered instead of Dropwizard's default mappers.
 */
public final class ErrorMappers {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappers.class);

    private ErrorMappers() {
    }

    public static Object[] all() {
        return new Object[] {new Lunpool(), new NotLeader(), new Json(), new Web(), new Unexpected()};
    }

    public static int status(Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> 404;
            case CONFLICT, IN_USE -> 409;
            case INVALID -> 400;
            case EXHAUSTED -> 507;
            case TRANSIENT -> 503;
            case ARRAY_ERROR -> 502;
            case HOST_ERROR -> 500;
        };
    }

    static Response error(int status, Reason reason, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(reason.name(), message)).build();
    }

    static final class Lunpool implements ExceptionMapper<LunpoolException> {
        @Override
        public Response toResponse(LunpoolException e) {
            return error(status(e.reason()), e.reason(), e.getMessage());
        }
    }

    static final class NotLeader implements ExceptionMapper<NotLeaderException> {
        @Context
        private UriInfo uri;

        @Override
        public Response toResponse(NotLeaderException e) {
            if (e.leaderUrl().isEmpty()) {
                return error(503, Reason.TRANSIENT, e.getMessage());
            }
            URI here = uri.getRequestUri();
            URI target = URI.create(e.leaderUrl().get().replaceAll("/+$", "") + here.getRawPath()
                    + (here.getRawQuery() == null ? "" : "?" + here.getRawQuery()));
            return Response.temporaryRedirect(target).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(Reason.TRANSIENT.name(), e.getMessage())).build();
        }
    }

    static final class Json implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            if (e.getCause() instanceof WebApplicationException w) {
                return new Web().toResponse(w); // the body limit, hit while Jackson was reading
            }
            String message;
            if (e instanceof UnrecognizedPropertyException u) {
                message = "unknown field '" + u.getPropertyName() + "'; valid fields are " + u.getKnownPropertyIds();
            } else if (e instanceof JsonMappingException m && !field(m).isEmpty()) {
                message = "malformed JSON at field '" + field(m) + "': " + e.getOriginalMessage();
            } else {
                message = "malformed JSON: " + e.getOriginalMessage();
            }
            return error(400, Reason.INVALID, message);
        }

        private static String field(JsonMappingException m) {
            StringBuilder out = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    out.append('[').append(r.getIndex()).append(']');
                }
            }
            return out.toString();
        }
    }

    static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            Reason reason = status == 404 ? Reason.NOT_FOUND : status >= 500 ? Reason.TRANSIENT : Reason.INVALID;
            String message = switch (status) {
                case 415 -> "unsupported media type: the request body must be JSON; send Content-Type: application/json";
                case 405 -> e.getMessage() + ": this path does not take that method";
                default -> e.getMessage();
            };
            return error(status, reason, message);
        }
    }

    static final class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.error("unexpected error", e);
            return error(500, Reason.TRANSIENT, "internal error: " + e);
        }
    }
}
