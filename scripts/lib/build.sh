# build_citadel DIR TYPE [CMAKE ARGS...]: configures (once) and builds Citadel
# (the targets in NINJA_TARGETS, or everything). ccache keeps rebuilds fast; its
# cache lives in the project's .ccache unless CCACHE_DIR says otherwise, so a
# clean clone starts cold.

build_citadel() {
  local dir=$1 type=$2
  shift 2
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export CCACHE_DIR=${CCACHE_DIR:-$root/.ccache}
  if [[ ! -f "$dir/build.ninja" ]]; then
    echo "Configuring $dir ($type)" >&2
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  fi
  echo "Building $dir" >&2
  ninja -C "$dir" "${NINJA_TARGETS[@]}" >&2 || { echo "error: build in $dir failed" >&2; return 1; }
}
