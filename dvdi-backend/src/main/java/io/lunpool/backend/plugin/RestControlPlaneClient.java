package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.spi.ControlPlaneClient;
import java.util.List;
import java.util.Optional;

/** {@link ControlPlaneClient} over the control plane's REST API. */
public final class RestControlPlaneClient implements ControlPlaneClient {
    private final LunpoolClient client;

    public RestControlPlaneClient(LunpoolClient client) {
        this.client = client;
    }

    @Override
    public VolumeView create(CreateVolumeRequest request) {
        return client.createVolume(request);
    }

    @Override
    public Optional<VolumeView> get(String name) {
        return LunpoolException.emptyIfNotFound(() -> client.volume(name));
    }

    @Override
    public List<VolumeView> list() {
        return client.volumes();
    }

    @Override
    public void delete(String name) {
        client.deleteVolume(name);
    }

    @Override
    public AttachmentView attach(String name, AttachRequest request) {
        return client.attach(name, request);
    }

    /** A volume that no longer exists is attached nowhere: detaching it succeeds. */
    @Override
    public void detach(String name, String host) {
        LunpoolException.ignoreNotFound(() -> client.detach(name, host));
    }
}
