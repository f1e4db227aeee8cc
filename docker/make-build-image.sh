#!/usr/bin/env bash
# Builds the image for the `build` stage of docker/Dockerfile.cpu and Dockerfile.cuda when no registry is reachable
# (CI here): gated-base:local + a full JDK (jlink, from the local JDK) + this machine's Maven + a Maven repository
# pre-seeded with exactly the plugins and dependencies that `mvn -DskipTests package -pl cli -am` needs, and
# <offline>true</offline> in its settings.xml, so the image's Maven never tries the network.
#   docker build -f docker/Dockerfile.cpu --build-arg BUILD_IMAGE=gated-build:local \
#     --build-arg BASE_IMAGE=gated-base:local -t gated:cpu .
# The seed comes from a build of the poms alone (empty modules: nothing to compile, but every plugin and dependency
# of the real build is resolved), the same step the Dockerfiles' dependency layer runs. It is resolved from the
# host's ~/.m2/repository first (no download when that has it) and from Maven Central otherwise.
# Usage: make-build-image.sh [IMAGE]         (default gated-build:local)
# Env:   BASE_IMAGE  the image it is made from (default gated-base:local: run make-base-image.sh first)
#        JDK_HOME    JDK whose jmods/ and jlink are used (default: the JDK of `javac` on PATH)
#        MAVEN_HOME  Maven to copy in (default: the one of `mvn` on PATH)
#        BUILD_JDK_MODULES  the JDK's modules (default below: Java SE, javac, and what Maven and Gated's code use)
#        FORCE=1     rebuild even if an image with the same inputs exists
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${1:-gated-build:local}"
BASE_IMAGE="${BASE_IMAGE:-gated-base:local}"
JDK_HOME="${JDK_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
MAVEN_HOME="${MAVEN_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")}"
HOST_REPO="${HOST_REPO:-$HOME/.m2/repository}"
# javac in process (jdk.compiler), Gated's CPU code (jdk.incubator.vector), Maven's libraries (jdk.unsupported,
# jdk.zipfs for the shade plugin). Not ALL-MODULE-PATH: half the size, and jlink takes half the time.
MODULES="${BUILD_JDK_MODULES:-java.se,jdk.compiler,jdk.zipfs,jdk.unsupported,jdk.incubator.vector,jdk.charsets,jdk.crypto.ec}"
# Every module's pom: Maven reads them all to build the reactor, even with -pl cli -am.
POMS=$(ls pom.xml */pom.xml)

[ -x "$JDK_HOME/bin/jlink" ] && [ -d "$JDK_HOME/jmods" ] || { echo "no jlink/jmods under $JDK_HOME" >&2; exit 1; }
[ -f "$MAVEN_HOME/bin/m2.conf" ] || { echo "no Maven under $MAVEN_HOME (bin/m2.conf missing)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "Docker daemon not reachable" >&2; exit 1; }
BASE_ID=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null) \
  || { echo "base image $BASE_IMAGE missing: run docker/make-base-image.sh" >&2; exit 1; }

# Idempotence: a label with a hash of everything that goes into the image (a changed pom may need new artifacts).
# shellcheck disable=SC2086
KEY=$( { cat "$0"; echo "$BASE_ID" "$MODULES"; cat "$JDK_HOME/release" "$MAVEN_HOME"/lib/maven-core*.jar; cat $POMS; } \
      | sha256sum | cut -c1-16)
HAVE=$(docker image inspect -f '{{ index .Config.Labels "gated.build.key" }}' "$IMAGE" 2>/dev/null || true)
if [ "$HAVE" = "$KEY" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "$IMAGE is up to date ($KEY)"; exit 0
fi

WORK=$(mktemp -d /tmp/gated-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R="$WORK/context/rootfs"
mkdir -p "$R/opt" "$R/root/.m2" "$WORK/poms"

# 1. The seed: build the poms alone into an empty repository. The host's repository is a file:// repository
#    tried before Central, so nothing is downloaded when the host has already built Gated.
# shellcheck disable=SC2086
tar -c $POMS | tar -x -C "$WORK/poms"
cat > "$WORK/seed-settings.xml" <<EOF
<settings>
  <profiles><profile><id>host-repository</id>
    <repositories><repository><id>host</id><url>file://$HOST_REPO</url></repository></repositories>
    <pluginRepositories><pluginRepository><id>host</id><url>file://$HOST_REPO</url></pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>host-repository</activeProfile></activeProfiles>
</settings>
EOF
(cd "$WORK/poms" && "$MAVEN_HOME/bin/mvn" -B -q -s "$WORK/seed-settings.xml" -Dmaven.repo.local="$R/root/.m2/repository" \
  -DskipTests package -pl cli -am) >"$WORK/seed.log" 2>&1 || { tail -n 30 "$WORK/seed.log" >&2; exit 1; }
# Without the records of where each file came from, offline Maven takes them as installed locally (otherwise it
# refuses files fetched from the "host" repository for a build that only knows "central").
find "$R/root/.m2/repository" \( -name _remote.repositories -o -name '*.lastUpdated' \
  -o -name resolver-status.properties \) -delete
printf '<settings>\n  <offline>true</offline>\n</settings>\n' > "$R/root/.m2/settings.xml"

# 2. A JDK with javac. Not compressed: jlink is twice as fast, and the image stays on this machine.
"$JDK_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --output "$R/opt/jdk" 2>&1 | { grep -v 'incubator modules' >&2 || true; }

# 3. Maven, with its symlinks (Debian: lib/ -> /usr/share/java, conf -> /etc/maven) resolved.
cp -rL "$MAVEN_HOME" "$R/opt/maven"

# 4. The shared libraries of the JDK's ELF files that the base image may lack (as in make-base-image.sh).
LIBS=$(find "$R/opt/jdk" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
for lib in $LIBS; do
  mkdir -p "$R/$(dirname "$lib")"
  cp -L "$lib" "$R/$lib"
done

cat > "$WORK/context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY rootfs/ /
ENV JAVA_HOME=/opt/jdk MAVEN_HOME=/opt/maven PATH=/opt/jdk/bin:/opt/maven/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL gated.build.key=$KEY
RUN mvn -v && javac -version
EOF
docker build -q -t "$IMAGE" "$WORK/context" >/dev/null
echo "built $IMAGE ($KEY): $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'),"\
 "seeded repository $(du -sh "$R/root/.m2/repository" | cut -f1)"
