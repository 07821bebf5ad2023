package io.lunpool.scheduler.rest;

import io.lunpool.core.api.HostRequest;
import io.lunpool.core.api.LeaderView;
import io.lunpool.scheduler.ControlPlane;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /v1/hosts/{host}} and {@code /v1/leader}. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ClusterResource {
    private final ControlPlane controlPlane;

    public ClusterResource(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    @POST
    @Path("hosts/{host}")
    public Response registerHost(@PathParam("host") String host, HostRequest request) {
        controlPlane.registerHost(host, request);
        return Response.noContent().build();
    }

    @GET
    @Path("leader")
    public LeaderView leader() {
        return controlPlane.leader();
    }
}
