package io.lunpool.backend.chores;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.ChoreRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's chore endpoint, for the executor on this host: {@code POST /Chores.Prepare} and
 * {@code POST /Chores.Wipe} with a {@link ChoreRequest} as the body (its {@code kind} must be the path's). Like the
 * plugin protocol it answers HTTP 200 with {@code {"Err": ""}} when the chore is done and {@code {"Err": "REASON:
 * message"}} when it is refused or fails; bad JSON changes nothing and is answered {@code INVALID} naming the
 * problem. It is served on the plugin's unix socket only (mode 0660, owner root).
 */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.WILDCARD)
public final class ChoreResource {
    private static final Logger LOG = LoggerFactory.getLogger(ChoreResource.class);
    private final ChoreService service;

    /** The answer of every chore call. */
    record Err(@JsonProperty("Err") String err) {
    }

    public ChoreResource(ChoreService service) {
        this.service = service;
    }

    @POST
    @Path("Chores.Prepare")
    public Response prepare(InputStream body) {
        return answer(run(ChoreRequest.Kind.PREPARE, body));
    }

    @POST
    @Path("Chores.Wipe")
    public Response wipe(InputStream body) {
        return answer(run(ChoreRequest.Kind.WIPE, body));
    }

    /** JSON whatever the caller's Accept says, as the plugin protocol answers. */
    private static Response answer(Err err) {
        return Response.ok(err, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Err run(ChoreRequest.Kind kind, InputStream body) {
        try {
            ChoreRequest chore = ChoreRequest.parse(read(body));
            if (chore.kind() != kind) {
                throw LunpoolException.invalid("chore field 'kind' is '" + chore.kind().id() + "' but the call is "
                        + "Chores." + (kind == ChoreRequest.Kind.PREPARE ? "Prepare" : "Wipe"));
            }
            service.run(chore);
            return new Err("");
        } catch (LunpoolException e) {
            return new Err(e.toString());
        } catch (RuntimeException e) {
            LOG.error("a {} chore failed unexpectedly", kind.id(), e);
            return new Err(Reason.HOST_ERROR + ": the " + kind.id() + " chore failed unexpectedly: " + e);
        }
    }

    private static byte[] read(InputStream body) {
        try {
            return body.readNBytes(ChoreRequest.MAX_JSON_BYTES + 1);
        } catch (IOException e) {
            throw LunpoolException.invalid("the chore body cannot be read: " + e.getMessage());
        }
    }
}
