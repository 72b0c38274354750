# Sourced by ./loomchat and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME; runs Maven.
# Order: $JAVA_HOME if new enough, else the newest JDK under /usr/lib/jvm.

loomchat_java_major() {
    # Prints the feature version of the java at $1 (e.g. 25), or nothing.
    "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)[."].*/\1/p' | head -n 1
}

loomchat_find_jdk() {
    local min=21 candidate major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(loomchat_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
            loomchat_quiet_maven
            return 0
        fi
    fi
    local best="" best_major=0
    for candidate in /usr/lib/jvm/*; do
        [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(loomchat_java_major "$candidate/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate
            best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "loomchat: no JDK ${min} or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing usable in /usr/lib/jvm)." >&2
        echo "loomchat: install one (e.g. apt-get install -y openjdk-21-jdk) or point JAVA_HOME at it." >&2
        return 1
    fi
    export JAVA_HOME=$best
    loomchat_quiet_maven
}

loomchat_quiet_maven() {
    # Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 23+ warns about on every build.
    local major
    major=$(loomchat_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 23 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

loomchat_mvn() {
    # Runs Maven through the project's Maven Wrapper, always: every build, here and in CI, uses
    # the one Maven version pinned in .mvn/wrapper/maven-wrapper.properties, whatever `mvn` the
    # machine has installed (a different Maven may resolve plugins differently). The wrapper
    # downloads that version into ~/.m2/wrapper on first use, so a JDK is all a machine needs.
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    "$root/mvnw" "$@"
}
