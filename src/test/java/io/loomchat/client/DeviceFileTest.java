package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceFileTest {

    @TempDir
    Path home;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void theFirstRunWritesANewIdReadableByItsOwnerOnlyAndLaterRunsReadIt() throws IOException {
        Path file = home.resolve(".config/loomchat/device");
        String id = device(file).id();
        assertTrue(id.matches("console-[a-z0-9]{12}"), id);
        assertEquals(id + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(id, device(file).id());
        assertEquals(List.of(), warnings);
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file left behind");
        }
    }

    @Test
    void anIdWrittenByHandIsUsedAsItIs() throws IOException {
        Path file = home.resolve("device");
        Files.writeString(file, "  my-laptop.2 \n");
        assertEquals("my-laptop.2", device(file).id());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aMalformedFileIsReplacedWithANewIdAndTheUserIsTold() throws IOException {
        Path file = home.resolve("device");
        Files.writeString(file, "not a device id\n");
        String id = device(file).id();
        assertTrue(id.startsWith(DeviceFile.PREFIX), id);
        assertEquals(id + "\n", Files.readString(file));
        assertEquals(List.of(file + " does not hold a device id ('not a device id'); replaced it with a new one, "
                + id + "."), warnings);
    }

    @Test
    void anUnreadableFileIsLeftAloneAndThisRunIsANewDevice() throws IOException {
        Path file = home.resolve("device");
        Files.createDirectory(file); // reading it fails whoever runs the test, root too
        String id = device(file).id();
        assertTrue(id.startsWith(DeviceFile.PREFIX), id);
        assertTrue(Files.isDirectory(file));
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.getFirst().startsWith("Cannot read the device id from " + file + " ("), warnings::toString);
    }

    @Test
    void aPathThroughAFileIsToldAndTheIdServesThisRun() throws IOException {
        Path blocker = home.resolve("config");
        Files.writeString(blocker, "a file where a directory should be");
        String id = device(blocker.resolve("loomchat/device")).id();
        assertTrue(id.startsWith(DeviceFile.PREFIX), id);
        assertEquals(List.of("Cannot read the device id from " + blocker.resolve("loomchat/device")
                + " (Not a directory); this run is a new device, " + id + ", and gets no messages kept for the usual one."),
                warnings);
    }

    @Test
    void aDirectoryThatCannotBeMadeIsToldAndTheIdServesThisRun() {
        // Nobody may make a directory in /proc, root included (the tests may run as root).
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux's /proc");
        String id = device(proc.resolve("loomchat-" + ProcessHandle.current().pid() + "/device")).id();
        assertTrue(id.startsWith(DeviceFile.PREFIX), id);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.getFirst().startsWith("Cannot keep the device id in /proc/"), warnings::toString);
        assertTrue(warnings.getFirst().endsWith("; this run is device " + id + ", and the next one will be another."),
                warnings::toString);
    }

    @Test
    void idsDifferFromInstallationToInstallation() {
        assertNotEquals(device(home.resolve("a")).id(), device(home.resolve("b")).id());
    }

    @Test
    void theFileFollowsXdgConfigHomeThenHome() {
        assertEquals(Path.of("/x/loomchat/device"),
                DeviceFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"), "/u"));
        assertEquals(Path.of("/h/.config/loomchat/device"),
                DeviceFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "relative", "HOME", "/h"), "/u"));
        assertEquals(Path.of("/u/.config/loomchat/device"), DeviceFile.defaultLocation(Map.of(), "/u"));
    }

    private DeviceFile device(Path file) {
        return new DeviceFile(file, new SplittableRandom(), warnings::add);
    }
}
