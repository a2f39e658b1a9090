#!/usr/bin/env bash
# Installs the Debian packages incubsim needs, only those that are missing. Run as root on
# Debian bookworm (or with sudo available). Nothing is downloaded from anywhere but Debian.
# `scripts/install-deps.sh mpi` also installs OpenMPI for the optional MPI build (-DINCUBSIM_MPI=ON);
# `scripts/install-deps.sh clang` installs clang 14 and its sanitizer and libFuzzer runtimes
# (ThreadSanitizer and fuzzing stages of CI).
set -euo pipefail
packages=(
  build-essential cmake git pkg-config
  libtbb-dev libhdf5-dev hdf5-tools
  libboost-random-dev libboost-program-options-dev
  catch2 libtomlplusplus-dev librandom123-dev
  python3 python3-h5py python3-numpy python3-pytest
  python3-pandas python3-scipy python3-matplotlib python3-xarray python3-h5netcdf chromium fonts-dejavu-core
)
for extra in "$@"; do
  case "$extra" in
    mpi) packages+=(libopenmpi-dev openmpi-bin) ;;
    clang) packages+=(clang-14 libclang-rt-14-dev llvm-14) ;;
    *) echo "install-deps: unknown package group '$extra' (known: mpi, clang)" >&2; exit 2 ;;
  esac
done
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
run_as_root=()
[ "$(id -u)" -eq 0 ] || run_as_root=(sudo)
# apt prints hundreds of lines on a fresh machine: keep them in a log, show it only on failure.
log=$(mktemp /tmp/incubsim-install-deps.XXXXXX.log)
if ! { "${run_as_root[@]}" apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive "${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get failed (log above, kept in $log)" >&2
  exit 1
fi
rm -f "$log"
echo "install-deps: installed ${#missing[@]} packages"
