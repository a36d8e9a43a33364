#!/usr/bin/env bash
# Installs lrs from BUILD_DIR into a temporary prefix, then builds and runs,
# against that prefix only:
#   - consumer.cc and examples/ (quickstart.cc, c_quickstart.c,
#     course_player.cc) with find_package(lrs), static and shared;
#   - c_quickstart.c in a pure C project (project(x C)), static and shared;
#   - consumer.cc with pkg-config --static, and c_quickstart.c with gcc and
#     pkg-config, shared (`pkg-config --cflags --libs lrs`) and static.
# Usage: tests/package/run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd); src=$(cd "$(dirname "$0")" && pwd)
examples=$(cd "$src/../../examples" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

# Runs a command quietly; on failure shows its output and stops.
step() {
  if ! "$@" >"$tmp/log" 2>&1; then
    echo "package: FAILED: $*" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
}
# Runs a program and checks that its output has `want`.
runs() {
  local want=$1; shift
  step "$@"
  if ! grep -q -- "$want" "$tmp/log"; then
    echo "package: $* printed no \"$want\":" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
  echo "package: ran $(basename "$1")"
}

step cmake --install "$build" --prefix "$prefix"
test -f "$prefix/include/lrs/lrs.h"

# find_package(lrs) from a C and C++ project: consumer.cc and examples/.
step cmake -S "$src" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DLRS_EXAMPLES_DIR="$examples"
step cmake --build "$tmp/consumer" --parallel 2
c=$tmp/consumer
export LD_LIBRARY_PATH=$prefix/lib
for kind in static shared; do
  runs "stored " "$c/consumer_$kind" "$tmp/consumer-$kind"
  runs "the store now holds 2 statements" "$c/quickstart_$kind" "$tmp/quickstart-$kind"
  runs "query: 3 pages" "$c/c_quickstart_$kind" "$tmp/c-quickstart-$kind"
  # Offline only: nothing is sent (the upstream is never contacted).
  runs "waiting to be sent: lag=8" "$c/course_player_$kind" --data "$tmp/player-$kind" \
    --upstream http://127.0.0.1:9/xapi/ --key k --secret s --offline-only
done

# find_package(lrs) from a pure C project: no C++ compiler or linker.
step cmake -S "$src/c" -B "$tmp/c" -DCMAKE_PREFIX_PATH="$prefix" -DLRS_EXAMPLES_DIR="$examples"
step cmake --build "$tmp/c" --parallel 2
for kind in static shared; do
  runs "query: 3 pages" "$tmp/c/c_quickstart_$kind" "$tmp/c-project-$kind"
done

# pkg-config: C++ against the static library, C against both.
# shellcheck disable=SC2046
step g++ -std=c++20 "$src/consumer.cc" -o "$tmp/consumer_pc" $(pkg-config --cflags --libs --static lrs)
runs "stored " "$tmp/consumer_pc" "$tmp/consumer-pc"
# shellcheck disable=SC2046
step gcc -std=c99 -Wall -Wextra -Werror -pedantic "$examples/c_quickstart.c" -o "$tmp/c_pc_shared" \
  $(pkg-config --cflags --libs lrs)
runs "query: 3 pages" "$tmp/c_pc_shared" "$tmp/c-pc-shared"
# shellcheck disable=SC2046
step gcc -std=c99 -Wall -Wextra -Werror -pedantic "$examples/c_quickstart.c" -o "$tmp/c_pc_static" \
  $(pkg-config --cflags lrs) -Wl,-Bstatic -llrs -Wl,-Bdynamic \
  $(pkg-config --libs --static lrs | sed 's/-llrs\b//')
runs "query: 3 pages" "$tmp/c_pc_static" "$tmp/c-pc-static"
if ldd "$tmp/c_pc_static" | grep -q liblrs; then
  echo "package: c_pc_static should not need liblrs.so" >&2
  exit 1
fi

echo "package: find_package (C and C++, static and shared) and pkg-config consumers work"
