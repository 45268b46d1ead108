# Shared by the measuring scripts (.ci/build-cost, .ci/first-run, .ci/main-job-warm,
# .ci/tls-build-time); sourced.

# The median of the numbers given (as words, any whitespace between them).
median() { printf '%s\n' $* | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# "median M s (fastest..slowest)" of the numbers given.
spread() { printf 'median %.2f s (%.2f..%.2f)' "$(median "$@")" "$(printf '%s\n' $* | sort -n | head -1)" "$(printf '%s\n' $* | sort -n | tail -1)"; }

# Unsets the CARGO_* variables a cargo that started this script set for it, except
# CARGO_HOME and the names given: a cargo started from here must not inherit them (build
# scripts that watch them would rebuild, and time would be measured on a different build).
forget_outer_cargo() {
    local name keep
    for name in $(env | sed -n 's/^\(CARGO_[A-Z_]*\)=.*/\1/p'); do
        [ "$name" = CARGO_HOME ] && continue
        for keep in "$@"; do [ "$name" = "$keep" ] && continue 2; done
        unset "$name"
    done
}

# Runs a command quietly and prints how many seconds it took; when it fails, prints what it
# said and stops the script: a measurement of a failed build is no measurement.
seconds_of() {
    local start end log status=0
    log=$(mktemp)
    start=$(date +%s.%N)
    "$@" >"$log" 2>&1 || status=$?
    end=$(date +%s.%N)
    if [ "$status" != 0 ]; then
        echo "FAIL: \`$*\` (in $(pwd)) exited $status:" >&2
        tail -n 40 "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
    echo "$end - $start" | bc
}

