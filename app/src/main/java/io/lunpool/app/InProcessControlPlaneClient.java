package io.lunpool.app;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.spi.ControlPlaneClient;
import io.lunpool.scheduler.NotLeaderException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Local mode: the plugin calls the control plane in the same process, without an HTTP hop. */
final class InProcessControlPlaneClient implements ControlPlaneClient {
    private final io.lunpool.scheduler.ControlPlane controlPlane;

    InProcessControlPlaneClient(io.lunpool.scheduler.ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    @Override
    public VolumeView create(CreateVolumeRequest request) {
        return call(() -> controlPlane.createVolume(request).volume());
    }

    @Override
    public Optional<VolumeView> get(String name) {
        return LunpoolException.emptyIfNotFound(() -> call(() -> controlPlane.volume(name)));
    }

    @Override
    public List<VolumeView> list() {
        return call(controlPlane::volumes);
    }

    @Override
    public void delete(String name) {
        call(() -> {
            controlPlane.deleteVolume(name);
            return null;
        });
    }

    @Override
    public AttachmentView attach(String name, AttachRequest request) {
        return call(() -> controlPlane.attach(name, request));
    }

    @Override
    public void detach(String name, String host) {
        call(() -> {
            controlPlane.detach(name, host);
            return null;
        });
    }

    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (NotLeaderException e) {
            throw new LunpoolException(Reason.TRANSIENT, e.getMessage(), e);
        }
    }
}
