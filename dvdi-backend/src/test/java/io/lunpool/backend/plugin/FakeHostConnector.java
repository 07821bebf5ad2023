package io.lunpool.backend.plugin;

import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.HostConnector;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link HostConnector} that hands out {@code /dev/fake/<wwn>} and remembers what is connected. */
public final class FakeHostConnector implements HostConnector {
    private final Set<String> connected = ConcurrentHashMap.newKeySet();

    @Override
    public Path connect(LunTarget lun) {
        connected.add(lun.wwn());
        return device(lun);
    }

    @Override
    public Optional<Path> find(LunTarget lun) {
        return connected.contains(lun.wwn()) ? Optional.of(device(lun)) : Optional.empty();
    }

    @Override
    public void disconnect(LunTarget lun) {
        connected.remove(lun.wwn());
    }

    public Set<String> connected() {
        return Set.copyOf(connected);
    }

    private static Path device(LunTarget lun) {
        return Path.of("/dev/fake", lun.wwn());
    }
}
