package io.lunpool.scheduler.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar files of a loop array directory. A write goes to a dot-prefixed temp file, is fsynced and
 * renamed over the sidecar, then the directory is fsynced; readers never see half a file and ignore temps.
 */
record LoopSidecars(Path directory, ObjectMapper json) {
    static final String SUFFIX = ".json";
    static final String TEMP_SUFFIX = SUFFIX + ".tmp";

    Optional<LoopLunFile> read(String name) {
        return read(directory.resolve(name + SUFFIX));
    }

    List<LoopLunFile> readAll() {
        List<LoopLunFile> luns = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                f -> f.getFileName().toString().endsWith(SUFFIX) && !f.getFileName().toString().startsWith("."))) {
            for (Path file : files) {
                read(file).ifPresent(luns::add);
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "listing loop array " + directory + " failed: " + e, e);
        }
        luns.sort((a, b) -> a.name().compareTo(b.name()));
        return luns;
    }

    /** Replaces a sidecar atomically (temp file, rename) and forces file and directory to disk. */
    void write(LoopLunFile lun) {
        Path target = directory.resolve(lun.name() + SUFFIX);
        Path temp = temp(lun.name());
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(json.writeValueAsBytes(lun));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "writing " + target + " failed: " + e, e);
        }
    }

    /** Removes the temp file a write of this sidecar left (a write that failed half-way). */
    void removeTemp(String name) throws IOException {
        Files.deleteIfExists(temp(name));
    }

    private Path temp(String name) {
        return directory.resolve("." + name + TEMP_SUFFIX);
    }

    void remove(String name) {
        Path target = directory.resolve(name + SUFFIX);
        try {
            Files.deleteIfExists(target);
            syncDirectory();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "deleting " + target + " failed: " + e, e);
        }
    }

    private Optional<LoopLunFile> read(Path file) {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), LoopLunFile.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "reading " + file + " failed: " + e, e);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
