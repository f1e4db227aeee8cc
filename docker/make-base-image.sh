#!/usr/bin/env bash
# Builds a small Java base image from the local JDK, with no registry access:
#   jlink runtime + the host libraries it links against + busybox (for /bin/sh and RUN steps)
#   + fontconfig and the DejaVu Sans fonts (the PNG plots draw text; headless AWT needs real fonts).
# (From the verified recipe in ../shared/docker, with Gated's modules and the fonts added.)
# Usage: make-base-image.sh [IMAGE]          (default gated-base:local)
# Env:   JDK_HOME       JDK whose jmods/ and jlink are used (default: the JDK of `javac` on PATH)
#        JLINK_MODULES  modules to put in the runtime (default below; check yours with `jdeps --print-module-deps`)
#        FORCE=1        rebuild even if an image with the same inputs exists
# Needs: a running Docker daemon, busybox-static (apt-get install -y busybox-static), a JDK with jmods.
set -euo pipefail

IMAGE="${1:-gated-base:local}"
JDK_HOME="${JDK_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
# Gated's jar needs java.base, java.desktop (plots), java.sql (`jdeps --print-module-deps cli/target/gated.jar`),
# jdk.incubator.vector (fast CPU kernels) and jdk.unsupported (sun.misc.Signal: graceful SIGTERM).
MODULES="${JLINK_MODULES:-java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.incubator.vector}"
FONT_DIR="${FONT_DIR:-/usr/share/fonts/truetype/dejavu}"
FONTCONFIG_LIB="${FONTCONFIG_LIB:-$(ldconfig -p 2>/dev/null | awk '!found && /libfontconfig\.so\.1 .*x86-64|libfontconfig\.so\.1 / {print $NF; found = 1}')}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

[ -x "$JDK_HOME/bin/jlink" ] && [ -d "$JDK_HOME/jmods" ] || { echo "no jlink/jmods under $JDK_HOME" >&2; exit 1; }
case "$(ldd "$BUSYBOX" 2>&1 || true)" in *"not a dynamic executable"*) ;;
  *) echo "$BUSYBOX is missing or not static: apt-get install -y busybox-static" >&2; exit 1;; esac
docker info >/dev/null 2>&1 || { echo "Docker daemon not reachable" >&2; exit 1; }
[ -f "$FONT_DIR/DejaVuSans.ttf" ] && [ -n "$FONTCONFIG_LIB" ] && [ -f "$FONTCONFIG_LIB" ] && [ -d /etc/fonts ] || {
  echo "fonts or fontconfig missing: apt-get install -y fonts-dejavu-core libfontconfig1 fontconfig-config" >&2; exit 1; }

# Idempotence: the image carries a label with a hash of everything that goes into it.
KEY=$( { cat "$0"; echo "$MODULES"; cat "$JDK_HOME/release"; sha256sum "$BUSYBOX" "$FONTCONFIG_LIB" "$FONT_DIR"/DejaVuSans*.ttf; } \
      | sha256sum | cut -c1-16)
HAVE=$(docker image inspect -f '{{ index .Config.Labels "gated.base.key" }}' "$IMAGE" 2>/dev/null || true)
if [ "$HAVE" = "$KEY" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "$IMAGE is up to date ($KEY)"; exit 0
fi

WORK=$(mktemp -d /tmp/gated-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"
mkdir -p "$R"/{opt,etc,tmp,root,bin,sbin,usr/bin,usr/sbin,usr/lib/locale}
chmod 1777 "$R/tmp"

# 1. Java runtime
"$JDK_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$R/opt/java"

# 2. Shared libraries of every ELF file in the runtime (libjvm.so needs libstdc++, libgcc_s, libm,
#    which `ldd bin/java` alone does not show), plus the dynamic loader. Keep the host's
#    /lib and /lib64 layout (on Debian bookworm: symlinks into /usr).
for d in lib lib64; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; mkdir -p "$R/$(readlink -f "/$d")"; else mkdir -p "$R/$d"; fi
done
# fontconfig is loaded with dlopen by the JDK's font code, so ldd does not list it: add it and what it needs.
LIBS=$( { find "$R/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; ; ldd "$FONTCONFIG_LIB";
          echo "$FONTCONFIG_LIB => $FONTCONFIG_LIB (0)"; } 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | grep -v "^$R" | sort -u)
for lib in $LIBS; do
  mkdir -p "$R/$(dirname "$lib")"
  cp -L "$lib" "$R/$lib"
done

# 3. busybox: /bin/sh and the usual tools, at the paths busybox itself names.
cp "$BUSYBOX" "$R/bin/busybox"
for p in $("$BUSYBOX" --list-full); do
  [ -e "$R/$p" ] || [ -L "$R/$p" ] || ln -s /bin/busybox "$R/$p"
done

# 3b. Fonts for the plots: fontconfig's configuration and DejaVu Sans (about 2 MB).
mkdir -p "$R/usr/share/fonts/truetype/dejavu" "$R/etc"
cp -rL /etc/fonts "$R/etc/fonts"
cp "$FONT_DIR"/DejaVuSans.ttf "$FONT_DIR"/DejaVuSans-Bold.ttf "$R/usr/share/fonts/truetype/dejavu/"

# 4. Minimal /etc and a UTF-8 locale (Java 17 takes file.encoding from the locale).
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
printf 'hosts: files dns\npasswd: files\ngroup: files\n' > "$R/etc/nsswitch.conf"
[ -d /usr/lib/locale/C.utf8 ] && cp -r /usr/lib/locale/C.utf8 "$R/usr/lib/locale/"

# 5. Import as an image.
tar --numeric-owner -C "$R" -c . | docker import \
  --change 'ENV JAVA_HOME=/opt/java' \
  --change 'ENV PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL gated.base.key=$KEY" \
  --change 'CMD ["/bin/sh"]' \
  - "$IMAGE" >/dev/null
echo "built $IMAGE ($KEY): $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'), modules $MODULES"
