package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.VolumeView;
import java.util.List;
import java.util.Optional;

/** {@link ControlPlane} over the control plane's REST API. */
public final class RestControlPlane implements ControlPlane {
    private final LunpoolClient client;

    public RestControlPlane(LunpoolClient client) {
        this.client = client;
    }

    @Override
    public VolumeView create(CreateVolumeRequest request) {
        return client.createVolume(request);
    }

    @Override
    public Optional<VolumeView> get(String name) {
        try {
            return Optional.of(client.volume(name));
        } catch (LunpoolException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
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

    @Override
    public void detach(String name, String host) {
        try {
            client.detach(name, host);
        } catch (LunpoolException e) {
            if (e.reason() != Reason.NOT_FOUND) {
                throw e;
            }
        }
    }
}
