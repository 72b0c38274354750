# Sourced by the load-test scripts (after they cd to the repository root): where a run's raw
# output may go.
#
#   OUT=$(loadtest_out_dir PATH)    prints PATH made absolute; refuses one inside loadtest/results/
#
# loadtest/results/ keeps each record's write-up and the one or two charts it shows, copied there
# by hand; a run's raw output (reports, logs, samples, summaries) is not committed. It goes under
# loadtest/runs/ (ignored by git) or anywhere outside the tree.

loadtest_out_dir() {
    local results out
    results=$(realpath -m loadtest/results)
    out=$(realpath -m "$1")
    case "$out/" in
        "$results/"*)
            echo "$(basename "$0"): $1 is inside loadtest/results/, which keeps write-ups and the charts they show, not a run's raw output." >&2
            echo "$(basename "$0"): write it under loadtest/runs/ (ignored by git), e.g. loadtest/runs/$(basename "$out"), then copy what the write-up shows into results/ by hand." >&2
            return 1
            ;;
    esac
    printf '%s\n' "$out"
}
