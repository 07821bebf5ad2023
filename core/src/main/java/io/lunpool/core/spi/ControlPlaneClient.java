package io.lunpool.core.spi;

import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.VolumeView;
import java.util.List;
import java.util.Optional;

/**
 * What the Docker volume plugin needs from the control plane. In a cluster the backend's REST client speaks the
 * control plane's REST API; local mode calls the control plane in the same process. Failures are
 * {@link io.lunpool.core.LunpoolException}s with the control plane's reason (IN_USE naming the other host,
 * CONFLICT, EXHAUSTED, TRANSIENT ...).
 */
public interface ControlPlaneClient {
    /** Creates the volume; the same name with the same options again returns the existing volume. */
    VolumeView create(CreateVolumeRequest request);

    /** The volume, or empty when there is none of that name. */
    Optional<VolumeView> get(String name);

    List<VolumeView> list();

    /** Deletes the volume; refuses (IN_USE) while it is attached to a host. */
    void delete(String name);

    /** Maps the volume's LUN to the host; refuses (IN_USE) while another host holds it, unless preempt. */
    AttachmentView attach(String name, AttachRequest request);

    /** Unmaps the volume from the host; succeeds when it is not attached there. */
    void detach(String name, String host);
}
