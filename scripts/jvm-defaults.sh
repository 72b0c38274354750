# JVM defaults shared by ./loomchat and the container's entry point (docker/entrypoint), POSIX sh.
# Why these flags: see the comment in ./loomchat.

# Prints the collector defaults to use with the user's flags "$1": none when they name a
# collector themselves (-XX:+UseG1GC, -XX:+UseZGC, ...), because ours would then fight theirs.
# Each flag is matched on its own: a collector is -XX:+Use<Name>GC, so -XX:+UseNUMA
# followed by some other flag ending in GC (-XX:+DisableExplicitGC) does not count.
loomchat_gc_defaults() (
    set -f  # a flag such as -Xlog:gc* is a word, not a file pattern
    for flag in $1; do
        case $flag in
            -XX:+Use*GC) return 0 ;;
        esac
    done
    echo "-XX:+UseSerialGC $2 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25"
)
