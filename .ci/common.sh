# Shared by .ci/test and .ci/bench (sourced, not run).
# Installs what a fresh Debian 12 machine lacks, and nothing when all is there.

PERSIST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12's primary build uses Boost 1.81, persist's minimum: always the
# versioned packages. The unversioned libboost-*-dev (1.74 on Debian 12) are
# too old and conflict with them. debootstrap makes the debian13 stage's roots.
PERSIST_PACKAGES=(
    libboost1.81-dev
    libboost-json1.81-dev
    libboost-filesystem1.81-dev
    libboost-test1.81-dev
    libboost1.81-tools-dev
    cmake
    ninja-build
    g++
    clang-14
    libclang-rt-14-dev
    jq
    python3
    strace
    git
    debootstrap
)

log() {
    printf '\n==> %s\n' "$*"
}

package_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

# ensure_packages PKG...: apt-get install the ones not installed yet.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        package_installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        echo "All ${#} required packages are installed."
        return 0
    fi
    log "Installing: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null; then
            sudo=(sudo)
        else
            echo "error: need root (or sudo) to install: ${missing[*]}" >&2
            return 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_dependencies() {
    ensure_packages "${PERSIST_PACKAGES[@]}"
}
