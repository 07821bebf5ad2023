package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.backend.plugin.PluginAnswers.Capabilities;
import io.lunpool.backend.plugin.PluginAnswers.Err;
import io.lunpool.backend.plugin.PluginAnswers.Implements;
import io.lunpool.backend.plugin.PluginAnswers.MountpointAndErr;
import io.lunpool.backend.plugin.PluginAnswers.VolumeAndErr;
import io.lunpool.backend.plugin.PluginAnswers.VolumesAndErr;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker volume plugin protocol (legacy v1 plugins, also spoken by dvdcli): {@code POST /Plugin.Activate}
 * and {@code POST /VolumeDriver.*}. Bodies are decoded here, whatever the Content-Type (Docker sends none).
 * Every answer is HTTP 200 with an {@code Err} string, empty on success and {@code REASON: message} on failure
 * (Docker shows it verbatim). Unknown endpoints are 404.
 */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces({PluginResource.DOCKER_JSON, MediaType.APPLICATION_JSON})
public final class PluginResource {
    public static final String DOCKER_JSON = "application/vnd.docker.plugins.v1.2+json";
    private static final Logger LOG = LoggerFactory.getLogger(PluginResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final VolumePluginService service;

    public PluginResource(VolumePluginService service) {
        this.service = service;
    }

    @POST
    @Path("Plugin.Activate")
    public Response activate() {
        return reply(Implements.VOLUME_DRIVER);
    }

    @POST
    @Path("VolumeDriver.Capabilities")
    public Response capabilities() {
        return reply(Capabilities.GLOBAL);
    }

    @POST
    @Path("VolumeDriver.Create")
    public Response create(InputStream body) {
        return answer("Create", () -> {
            PluginRequest r = PluginRequest.parse(PluginRequest.read(body));
            service.create(r.name(), r.opts());
            return Err.OK;
        });
    }

    @POST
    @Path("VolumeDriver.Remove")
    public Response remove(InputStream body) {
        return answer("Remove", () -> {
            service.remove(PluginRequest.parse(PluginRequest.read(body)).name());
            return Err.OK;
        });
    }

    @POST
    @Path("VolumeDriver.Mount")
    public Response mount(InputStream body, @Context HttpServletRequest request) {
        return answer("Mount", () -> {
            PluginRequest r = PluginRequest.parse(PluginRequest.read(body));
            MountpointAndErr out = MountpointAndErr.ok(service.mount(r.name(), r.id()).toString());
            // counted now: if the answer cannot be delivered, MountDeliveryFilter gives the reference back
            request.setAttribute(MountDeliveryFilter.ATTRIBUTE, new MountDeliveryFilter.Lease(r.name(), r.id()));
            return out;
        });
    }

    @POST
    @Path("VolumeDriver.Unmount")
    public Response unmount(InputStream body) {
        return answer("Unmount", () -> {
            PluginRequest r = PluginRequest.parse(PluginRequest.read(body));
            service.unmount(r.name(), r.id());
            return Err.OK;
        });
    }

    @POST
    @Path("VolumeDriver.Path")
    public Response path(InputStream body) {
        return answer("Path", () ->
                MountpointAndErr.ok(service.path(PluginRequest.parse(PluginRequest.read(body)).name())));
    }

    @POST
    @Path("VolumeDriver.Get")
    public Response get(InputStream body) {
        return answer("Get", () -> VolumeAndErr.ok(service.get(PluginRequest.parse(PluginRequest.read(body)).name())));
    }

    @POST
    @Path("VolumeDriver.List")
    public Response list() {
        return answer("List", () -> VolumesAndErr.ok(service.list()));
    }

    private static Response answer(String method, Supplier<Object> call) {
        try {
            return reply(call.get());
        } catch (RuntimeException e) {
            return reply(error(method, e));
        }
    }

    private static Err error(String method, RuntimeException e) {
        if (e instanceof LunpoolException le) {
            if (le.reason() == Reason.HOST_ERROR || le.reason() == Reason.TRANSIENT) {
                LOG.warn("VolumeDriver.{}: {}", method, le.toString());
            }
            return new Err(le.toString());
        }
        LOG.error("VolumeDriver.{} failed unexpectedly", method, e);
        return new Err(Reason.HOST_ERROR + ": VolumeDriver." + method + " failed unexpectedly: " + e);
    }

    private static Response reply(Object body) {
        return Response.ok(encode(body), DOCKER_JSON).build();
    }

    static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a plugin answer", e);
        }
    }
}
