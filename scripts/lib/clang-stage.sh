# Shared by the clang sanitizer stages (scripts/test-sanitized.sh, scripts/test-tsan.sh): sourced,
# not run. Each stage builds its own directory with clang 14 and has the sanitizer runtime write
# its reports to files (log_path), because the pytest entries swallow their subprocesses' stderr
# and a test expecting a non-zero exit would pass on a sanitizer's exit.

# clang_stage_configure BUILD_DIR LOG CMAKE_ARGS...: configures BUILD_DIR with clang 14 (a
# directory configured with another compiler, such as the gcc stage of old, is started afresh).
clang_stage_configure() {
  local build=$1 log=$2
  shift 2
  if [ -f "$build/CMakeCache.txt" ] && ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++-14' "$build/CMakeCache.txt"; then
    rm -rf "$build"
  fi
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$log" 2>&1 \
    || { cat "$log"; exit 1; }
}

# clang_stage_log_dir DIR: an empty directory for the sanitizer's report files.
clang_stage_log_dir() {
  rm -rf "$1"
  mkdir -p "$1"
}

# clang_stage_reports STAGE DIR: prints every report in DIR and returns 1, or returns 0 when DIR
# is empty.
clang_stage_reports() {
  local stage=$1 logs=$2
  [ -z "$(ls -A "$logs")" ] && return 0
  echo "$stage: sanitizer reports (in $logs):"
  local report
  for report in "$logs"/*; do echo "== $report"; cat "$report"; done
  return 1
}
