#!/usr/bin/env bash
# Installs lrs from BUILD_DIR into a temporary prefix, then builds and runs a
# consumer with find_package(lrs) (static and shared) and with pkg-config.
set -euo pipefail
build=$1; src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
"$tmp/consumer/consumer_static" "$tmp/store1"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer/consumer_shared" "$tmp/store2"
pc=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs --static lrs)
# shellcheck disable=SC2086
g++ -std=c++20 "$src/consumer.cc" -o "$tmp/consumer_pc" $pc
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer_pc" "$tmp/store3"
echo "package: find_package (static, shared) and pkg-config consumers work"
