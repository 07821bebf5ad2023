package io.lunpool.scheduler.rest;

import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.api.PoolView;
import io.lunpool.scheduler.ControlPlane;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code /v1/pools}: decode, call the control plane, encode. */
@Path("/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class PoolsResource {
    private final ControlPlane controlPlane;

    public PoolsResource(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    @GET
    public List<PoolView> list() {
        return controlPlane.pools();
    }

    @GET
    @Path("{pool}")
    public PoolView get(@PathParam("pool") String pool) {
        return controlPlane.pool(pool);
    }

    @PUT
    @Path("{pool}")
    public PoolView put(@PathParam("pool") String pool, PoolRequest request) {
        return controlPlane.setPool(pool, request);
    }
}
