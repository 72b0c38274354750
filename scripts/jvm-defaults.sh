# JVM defaults shared by ./loomchat and the container's entry point (docker/entrypoint), POSIX sh.
# Why these flags: see the comment in ./loomchat.

# The heap sizing ./loomchat gives the collector, and so do the scripts that start a server "with
# the launcher's defaults" (the container's entry point sizes it from its memory limit instead).
LOOMCHAT_HEAP_SIZING="-Xms32m"

# Prints the collector defaults to use with the user's flags "$1" and the heap sizing "$2": none
# when the user names a collector (-XX:+UseSerialGC, -XX:+UseZGC, ...), because ours would then
# fight theirs. Each flag is matched on its own: a collector is -XX:+Use<Name>GC, so
# -XX:+UseNUMA followed by some other flag ending in GC (-XX:+DisableExplicitGC) does not count.
#
# G1, set up to give back what a login storm grew once the server goes quiet (JEP 346): a
# collection when none has run for 15 s, a full one so that it compacts (a concurrent one leaves
# the storm's scattered regions committed), 1 MB regions so that it gives back in fine steps, and
# the heap kept 10-30 % free after it. With at most 10 % free an idle server's heap stays so full
# that it marks every 3-4 s; with 30 % its young collections come every 20-30 s at 19,900 idle
# clients, and it marks only at those (GC logs in the idle-memory record). Collections may
# take up to a fifth of the time (GCTimeRatio=4) before G1 grows the heap instead, which keeps a
# login storm's peak lower. Measured at 19,900 idle clients: 220 MB held against 302-315 MB for
# the serial collector, and no cost per one-to-one message in alternated rounds
# (loadtest/results/2026-12-07-idle-memory.md, 2026-12-07-versus-peer.md, eighth sitting).
loomchat_gc_defaults() (
    set -f  # a flag such as -Xlog:gc* is a word, not a file pattern
    for flag in $1; do
        case $flag in
            -XX:+Use*GC) return 0 ;;
        esac
    done
    echo "-XX:+UseG1GC $2 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1HeapRegionSize=1m" \
        "-XX:GCTimeRatio=4 -XX:G1PeriodicGCInterval=15000 -XX:-G1PeriodicGCInvokesConcurrent"
)

# Prints -XX:+UseCompactObjectHeaders when the JDK at JAVA_HOME "$1" is 25 or newer, where the
# flag is a product option (JEP 519): 8-byte object headers instead of 12, so a server holding
# 20,000 idle connections keeps 12% less live heap and 10% less RSS, at no CPU cost above the
# noise on the one-to-one hot path (loadtest/results/2026-12-07-idle-memory.md). Older JDKs
# reject the flag, so they get nothing. A user's -XX:-UseCompactObjectHeaders comes later and wins.
loomchat_header_defaults() (
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    if [ "${version:-0}" -ge 25 ]; then
        echo "-XX:+UseCompactObjectHeaders"
    fi
)
