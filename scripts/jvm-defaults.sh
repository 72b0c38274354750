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
