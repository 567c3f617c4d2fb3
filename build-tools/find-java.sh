# Shared by ./silhouette, bench/*.sh and .ci/run: finds a Java MIN_JAVA+ (default 25) the way the build does.
# JAVA_HOME wins when it is new enough; otherwise the newest of the JDKs in ~/.m2/toolchains.xml, the usual install
# directories and the java on PATH. SILHOUETTE_JAVA (a java binary) overrides all of it. Source it, then call
# find_java: it prints the java binary, or nothing.
: "${MIN_JAVA:=25}"

# The feature version (25 from "25.0.1", 1 from "1.8.0_402") of the JDK or JRE home $1, or nothing.
java_version_of() {
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -r "$home/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n 1)"
  fi
  if [ -z "$v" ]; then
    v="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p' | head -n 1)"
  fi
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

candidate_homes() {
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
  local toolchains="$HOME/.m2/toolchains.xml"
  if [ -r "$toolchains" ]; then
    sed -n 's:.*<jdkHome>\(.*\)</jdkHome>.*:\1:p' "$toolchains" | sed "s:\${user.home}:$HOME:g"
  fi
  local d
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* /usr/java/* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] && echo "$d"
  done
  if command -v java >/dev/null 2>&1; then
    local j
    j="$(readlink -f "$(command -v java)" 2>/dev/null || command -v java)"
    echo "${j%/bin/java}"
  fi
  return 0
}

# The feature version of the java binary $1 (25 from "25.0.1"), or nothing when it does not run.
java_binary_version() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p' | head -n 1)"
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

find_java() {
  if [ -n "${SILHOUETTE_JAVA:-}" ]; then
    # Taken as given, but checked: a JDK 17 here would end in a raw UnsupportedClassVersionError later.
    local v
    v="$(java_binary_version "$SILHOUETTE_JAVA")"
    if [ -z "$v" ] || [ "$v" -lt "$MIN_JAVA" ]; then
      local what="not a runnable java"
      [ -n "$v" ] && what="Java $v"
      echo "SILHOUETTE_JAVA=$SILHOUETTE_JAVA is $what; Java $MIN_JAVA or newer is needed (unset it to search the installed JDKs)" >&2
      return 0
    fi
    echo "$SILHOUETTE_JAVA"
    return
  fi
  # JAVA_HOME wins when it is new enough, as in the build.
  if [ -n "${JAVA_HOME:-}" ]; then
    local v
    v="$(java_version_of "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge "$MIN_JAVA" ]; then
      echo "$JAVA_HOME/bin/java"
      return
    fi
  fi
  local best="" best_v=0 home v
  while IFS= read -r home; do
    [ -n "$home" ] || continue
    v="$(java_version_of "$home")"
    if [ -n "$v" ] && [ "$v" -ge "$MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then
      best="$home/bin/java"
      best_v="$v"
    fi
  done < <(candidate_homes)
  [ -n "$best" ] && echo "$best"
  return 0
}
