# Sourced by ./accolade, ./run-tests and .ci/run: finds a JDK 25+ and quiets Maven on it.
# JAVA_HOME wins when it is 25 or newer; otherwise the newest JDK under /usr/lib/jvm that is.

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        local v; v=$(java_major "$JAVA_HOME")
        if [ "${v:-0}" -ge 25 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
    fi
    local best="" best_v=0 d v
    for d in /usr/lib/jvm/*/; do
        d=${d%/}
        [ -x "$d/bin/javac" ] || continue
        v=$(java_major "$d")
        if [ "${v:-0}" -ge 25 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
    done
    if [ -z "$best" ]; then
        echo "accolade: no JDK 25 or newer found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2
        return 1
    fi
    echo "$best"
}

JAVA_HOME=$(find_jdk) || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
