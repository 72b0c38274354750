package io.loomchat.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The device id of this installation of the console client (PROTOCOL.md 2.3, "Devices"): made
 * up at random on the first run and kept in a file of the user's, so that every later run is
 * the same device and gets what the server kept for it while it was away.
 *
 * <p>The file holds the id and a line break, nothing else. A file that cannot be read or does not
 * hold an id never stops the client: it is told why, and runs as a new device (which gets no
 * backlog, only what arrives from now on, and the past through {@code history}).
 *
 * <p>Two clients starting at once for the first time must not end up with two ids of which
 * only one is kept: the new id is written to a file of its own and linked into place, which
 * fails if the other got there first, and then the other's id is used.
 */
final class DeviceFile {

    static final String PREFIX = "console-";
    /** 36^12 ids: two installations of one user choosing the same is not a worry. */
    static final int RANDOM_CHARS = 12;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Path file;
    private final RandomGenerator random;
    private final Consumer<String> warn;

    /**
     * @param warn told, in a sentence, when the file could not be used as it is; the client
     *             goes on either way
     */
    DeviceFile(Path file, RandomGenerator random, Consumer<String> warn) {
        this.file = file;
        this.random = random;
        this.warn = warn;
    }

    /**
     * {@code $XDG_CONFIG_HOME/loomchat/device}, or {@code $HOME/.config/loomchat/device} (the XDG
     * base directory rule); {@code userHome} (the JVM's idea of home) when {@code HOME} is unset.
     */
    static Path defaultLocation(Map<String, String> environment, String userHome) {
        String xdg = environment.get("XDG_CONFIG_HOME");
        // The specification says a relative value is to be ignored.
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "loomchat", "device");
        }
        String home = environment.getOrDefault("HOME", "");
        return Path.of(home.isEmpty() ? userHome : home, ".config", "loomchat", "device");
    }

    static DeviceFile at(Path file, Consumer<String> warn) {
        return new DeviceFile(file, new SecureRandom(), warn);
    }

    /** The id kept in the file; on the first run a new one, kept there from now on. */
    String id() {
        String kept;
        try {
            kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return create();
        } catch (IOException e) {
            // Unreadable (permissions, a directory, a bad disk): leave it alone, it is not ours to mend.
            String id = generate();
            warn.accept("Cannot read the device id from " + file + " (" + describe(e) + "); this run is a new device, "
                    + id + ", and gets no messages kept for the usual one.");
            return id;
        }
        if (ClientOptions.DEVICE_ID.matcher(kept).matches()) {
            return kept;
        }
        String id = generate();
        String shown = kept.length() > 40 ? kept.substring(0, 40) + "..." : kept;
        try {
            replace(id);
            warn.accept(file + " does not hold a device id ('" + shown + "'); replaced it with a new one, " + id + ".");
        } catch (IOException e) {
            warn.accept(file + " does not hold a device id ('" + shown + "') and cannot be replaced (" + describe(e)
                    + "); this run is a new device, " + id + ".");
        }
        return id;
    }

    /** {@code console-} and {@value #RANDOM_CHARS} random lowercase letters and digits. */
    String generate() {
        StringBuilder id = new StringBuilder(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    private String create() {
        String id = generate();
        try {
            Path fresh = writeBeside(id);
            try {
                Files.createLink(file, fresh);
            } catch (FileAlreadyExistsException e) {
                // Another client of this installation was first: its id is the installation's.
                return existing(id);
            } catch (UnsupportedOperationException | IOException e) {
                // A file system without hard links: a plain rename, with a small window for a race.
                Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
                return id;
            } finally {
                Files.deleteIfExists(fresh);
            }
            return id;
        } catch (IOException e) {
            warn.accept("Cannot keep the device id in " + file + " (" + describe(e) + "); this run is device " + id
                    + ", and the next one will be another.");
            return id;
        }
    }

    /** The id the winner of a race wrote; ours ({@code fallback}) when even that cannot be read. */
    private String existing(String fallback) {
        try {
            String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (ClientOptions.DEVICE_ID.matcher(kept).matches()) {
                return kept;
            }
        } catch (IOException e) {
            warn.accept("Cannot read the device id from " + file + " (" + describe(e) + "); this run is device "
                    + fallback + ".");
            return fallback;
        }
        return fallback;
    }

    private void replace(String id) throws IOException {
        Path fresh = writeBeside(id);
        try {
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    /** A new file in the same directory holding {@code id}, readable by its owner only. */
    private Path writeBeside(String id) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        Files.createDirectories(directory, posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0]);
        Path fresh = posix
                ? Files.createTempFile(directory, ".device-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".device-", ".tmp");
        try {
            Files.writeString(fresh, id + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            Files.deleteIfExists(fresh);
            throw e;
        }
        return fresh;
    }

    /** "access denied", "Is a directory": what went wrong, without the path said already. */
    static String describe(IOException e) {
        boolean plain = e.getClass() == IOException.class || e.getClass() == FileSystemException.class;
        String what = plain ? null : e.getClass().getSimpleName().replace("Exception", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        String detail = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        if (what == null) {
            return detail == null ? "an I/O error" : detail;
        }
        return detail == null ? what : what + ": " + detail;
    }
}
