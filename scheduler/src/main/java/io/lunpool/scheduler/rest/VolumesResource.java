package io.lunpool.scheduler.rest;

import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.VolumeView;
import io.lunpool.scheduler.ControlPlane;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code /v1/volumes}: decode, call the control plane, encode. */
@Path("/v1/volumes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class VolumesResource {
    private final ControlPlane controlPlane;

    public VolumesResource(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    @POST
    public Response create(CreateVolumeRequest request) {
        ControlPlane.Created created = controlPlane.createVolume(request);
        return Response.status(created.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(created.volume()).build();
    }

    @GET
    public List<VolumeView> list() {
        return controlPlane.volumes();
    }

    @GET
    @Path("{name}")
    public VolumeView get(@PathParam("name") String name) {
        return controlPlane.volume(name);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        controlPlane.deleteVolume(name);
        return Response.noContent().build();
    }

    @POST
    @Path("{name}/attachments")
    public AttachmentView attach(@PathParam("name") String name, AttachRequest request) {
        return controlPlane.attach(name, request);
    }

    @DELETE
    @Path("{name}/attachments/{host}")
    public Response detach(@PathParam("name") String name, @PathParam("host") String host) {
        controlPlane.detach(name, host);
        return Response.noContent().build();
    }
}
