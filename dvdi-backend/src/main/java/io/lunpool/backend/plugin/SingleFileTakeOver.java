package io.lunpool.backend.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Takes over a mount table in the single-file format ({@code <stateDir>/mounts.json}, every volume in one file):
 * each volume is handed to the per-volume table, which forces it into its own file, and then the single file is
 * removed. A file that cannot be parsed stops the start, like a corrupt per-volume file, and stays where it is.
 */
final class SingleFileTakeOver {
    static final String FILE_NAME = "mounts.json";
    private static final ObjectMapper JSON = Json.mapper();

    private SingleFileTakeOver() {
    }

    /** The format of the single file. */
    record SingleFile(int version, List<MountedVolume> volumes) {
    }

    /** Hands every volume in {@code file} to {@code adopt}, then deletes the file; nothing when there is none. */
    static void run(Path file, Consumer<MountedVolume> adopt) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            SingleFile state = JSON.readValue(Files.readAllBytes(file), SingleFile.class);
            if (state.version() != MountTable.Entry.VERSION || state.volumes() == null) {
                throw new IOException("unsupported version " + state.version() + " or no volumes");
            }
            for (MountedVolume v : state.volumes()) {
                MountTable.check(v);
                adopt.accept(v);
            }
        } catch (IOException e) {
            throw MountTable.corrupt(file, e);
        }
        AtomicFiles.delete(file, true);
    }
}
