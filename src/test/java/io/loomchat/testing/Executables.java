package io.loomchat.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program the way a shell would, plus the place Debian puts it (often not on PATH). */
final class Executables {

    private Executables() {
    }

    static Optional<Path> find(String name, Path usualPlace) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Files.isExecutable(usualPlace) ? Optional.of(usualPlace) : Optional.empty();
    }
}
