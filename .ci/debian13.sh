# The debian13 stage of .ci/test (sourced by it, not run): builds and runs
# persist's suite on Debian 13 ("trixie") in chroots made with debootstrap,
# with g++ 14 + Boost 1.88 and with clang 19 + Boost 1.83; makes the .deb in
# the Boost 1.88 build, installs it into a clean root with apt-get and builds
# test/consumer against it.
#
# Roots, cached in $PERSIST_CI_CACHE (default /var/cache/persist-ci):
#   trixie-base         minbase + the toolchain, and the .debs of both Boosts
#                       downloaded (not installed: their dev packages conflict)
#   trixie-boost1.88    a copy of the base with Boost 1.88 installed
#   trixie-boost1.83    a copy of the base with Boost 1.83 installed
# A root counts as made only when its stamp file, written last, holds the
# package list it was made with; otherwise it is removed and made again, so
# an interrupted run never leaves a half root in use. The .deb check uses the
# base under an overlay made afresh each time and removed afterwards.
#
# The mirror is the one apt on this machine already uses (its Debian
# archive entry); PERSIST_DEBIAN_MIRROR overrides it.

D13_SUITE=trixie
D13_CACHE=${PERSIST_CI_CACHE:-/var/cache/persist-ci}
D13_COMPILERS=(g++-14 clang++-19)
D13_BASE_PACKAGES=(g++-14 clang-19 cmake ninja-build dpkg-dev file jq python3 strace)
D13_BOOST_VERSIONS=(1.88 1.83)
# The builds: name, compiler, Boost.
D13_BUILDS=("gcc14-boost1.88 g++-14 1.88" "clang19-boost1.83 clang++-19 1.83")
# The .deb is made in this build (Boost 1.88) and checked in a clean root.
D13_DEB_BUILD=gcc14-boost1.88
# Release: the optimizer's code paths and warnings; no sanitizers here (the
# Debian 12 stages have them).
D13_BUILD_TYPE=Release

d13_boost_packages() {
    local v=$1
    echo "libboost$v-dev libboost-json$v-dev libboost-filesystem$v-dev libboost-test$v-dev"
}

# The step timer: d13_step NAME CMD... runs CMD in a subshell with errexit
# (so it must not be called in a || or if context, where bash ignores -e),
# prints how long it took and sets d13_failed=1 if it failed.
d13_times=()
d13_failed=0
d13_step() {
    local name=$1 start=$SECONDS rc
    shift
    log "debian13: $name"
    set +e
    (
        set -euo pipefail
        "$@"
    )
    rc=$?
    set -e
    d13_times+=("$(printf '    %-32s %4ds%s' "$name" $((SECONDS - start)) \
        "$( ((rc == 0)) || echo "  FAILED (exit $rc)")")")
    if ((rc != 0)); then d13_failed=1; fi
}
d13_print_times() {
    log "debian13 steps"
    printf '%s\n' "${d13_times[@]}"
}

# The Debian archive that apt on this machine is configured with: the entry
# for this release's own suite (not -security or -updates).
d13_mirror() {
    if [[ -n ${PERSIST_DEBIAN_MIRROR:-} ]]; then
        echo "$PERSIST_DEBIAN_MIRROR"
        return
    fi
    local codename uri
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    uri=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
        awk -v suite="$codename" '$1 == suite { print $2; exit }')
    if [[ -z $uri ]]; then
        echo "error: found no Debian archive for '$codename' in apt's sources;" \
            "set PERSIST_DEBIAN_MIRROR" >&2
        return 1
    fi
    echo "${uri%/}"
}

# --- mounts ------------------------------------------------------------------

d13_mounts=()
d13_mount() {  # d13_mount MOUNT-ARGS... TARGET
    mount "$@"
    d13_mounts+=("${!#}")
}
d13_unmount_all() {
    local i
    for ((i = ${#d13_mounts[@]} - 1; i >= 0; i--)); do
        umount "${d13_mounts[i]}" 2>/dev/null || umount -l "${d13_mounts[i]}" ||
            echo "warning: could not unmount ${d13_mounts[i]}" >&2
    done
    d13_mounts=()
}

# d13_enter ROOT: mount /proc, /dev, a private /dev/shm and the checkout (at
# /src) into ROOT. d13_unmount_all (the stage's EXIT trap) undoes it.
d13_enter() {
    local root=$1
    mkdir -p "$root/src"
    d13_mount -t proc proc "$root/proc"
    d13_mount --bind /dev "$root/dev"
    d13_mount -t tmpfs -o size=512m,mode=1777 shm "$root/dev/shm"
    d13_mount --bind "$PERSIST_ROOT" "$root/src"
}
d13_leave() {
    d13_unmount_all
}

# rm -rf a root, but never while anything is mounted in it: /dev and the
# checkout are bind mounts there, and rm would go through them.
d13_remove_root() {  # d13_remove_root ROOT
    local root=$1 mounted
    mounted=$(awk -v root="$root/" 'index($2, root) == 1 { print $2 }' /proc/self/mounts)
    if [[ -n $mounted ]]; then
        echo "error: not removing $root: still mounted there:" $mounted >&2
        return 1
    fi
    rm -rf "$root"
}

d13_chroot() {  # d13_chroot ROOT CMD...
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive CI="${CI:-}" "$@"
}

# --- roots -------------------------------------------------------------------

d13_root_ready() {  # d13_root_ready ROOT CONTENT: is ROOT made, with CONTENT?
    [[ -f $1/.persist-ci-stamp && $(cat "$1/.persist-ci-stamp") == "$2" ]]
}

d13_make_base() {
    local root=$D13_CACHE/$D13_SUITE-base mirror stamp v
    stamp="base ${D13_BASE_PACKAGES[*]}; downloaded:"
    for v in "${D13_BOOST_VERSIONS[@]}"; do stamp+=" $(d13_boost_packages "$v")"; done
    if d13_root_ready "$root" "$stamp"; then
        echo "cached: $root"
        return 0
    fi
    mirror=$(d13_mirror)
    command -v debootstrap >/dev/null || ensure_packages debootstrap
    d13_remove_root "$root"
    mkdir -p "$D13_CACHE"
    echo "debootstrap $D13_SUITE from $mirror into $root"
    if ! debootstrap --variant=minbase "$D13_SUITE" "$root" "$mirror" \
        >"$D13_CACHE/debootstrap.log" 2>&1; then
        tail -n 20 "$D13_CACHE/debootstrap.log" >&2
        echo "error: debootstrap could not make a Debian $D13_SUITE root from $mirror" \
            "(log: $D13_CACHE/debootstrap.log)" >&2
        return 1
    fi
    (
        trap d13_unmount_all EXIT
        d13_enter "$root"
        d13_chroot "$root" apt-get update -q
        d13_chroot "$root" apt-get install -y -q --no-install-recommends \
            "${D13_BASE_PACKAGES[@]}"
        for v in "${D13_BOOST_VERSIONS[@]}"; do
            # shellcheck disable=SC2046
            d13_chroot "$root" apt-get install -y -q --no-install-recommends --download-only \
                $(d13_boost_packages "$v")
        done
    )
    echo "$stamp" >"$root/.persist-ci-stamp"
}

d13_make_boost_root() {  # d13_make_boost_root VERSION
    local v=$1 base=$D13_CACHE/$D13_SUITE-base root=$D13_CACHE/$D13_SUITE-boost$1 stamp
    stamp="$(cat "$base/.persist-ci-stamp"); boost $v: $(d13_boost_packages "$v")"
    if d13_root_ready "$root" "$stamp"; then
        echo "cached: $root"
        return 0
    fi
    d13_remove_root "$root"
    cp -a --reflink=auto "$base" "$root"
    rm -f "$root/.persist-ci-stamp"
    (
        trap d13_unmount_all EXIT
        d13_enter "$root"
        # shellcheck disable=SC2046
        d13_chroot "$root" apt-get install -y -q --no-install-recommends \
            $(d13_boost_packages "$v")
    )
    echo "$stamp" >"$root/.persist-ci-stamp"
}

# Every compiler the builds need must be in ROOT: fail, naming it, if not.
d13_check_compilers() {  # d13_check_compilers ROOT
    local compiler missing=0
    for compiler in "${D13_COMPILERS[@]}"; do
        if ! d13_chroot "$1" sh -c "command -v $compiler" >/dev/null; then
            echo "error: $compiler is missing from the Debian $D13_SUITE root $1" >&2
            missing=1
        fi
    done
    return "$missing"
}

# --- builds ------------------------------------------------------------------

# d13_build NAME COMPILER BOOST: configure, build and run CTest in the Boost
# root, into build/debian13-NAME of the checkout. The benchmark and the soak
# test are left out: the Debian 12 stages build and run them, and here they
# would only cost time.
d13_build() {
    local name=$1 compiler=$2 v=$3 root=$D13_CACHE/$D13_SUITE-boost$3
    local build=/src/build/debian13-$name
    trap d13_unmount_all EXIT
    d13_enter "$root"
    d13_check_compilers "$root"
    d13_chroot "$root" "$compiler" --version | head -n 1
    d13_chroot "$root" cmake -S /src -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE="$D13_BUILD_TYPE" -DCMAKE_CXX_COMPILER="$compiler" \
        -DPERSIST_BUILD_BENCHMARKS=OFF -DPERSIST_BUILD_SOAK=OFF -DPERSIST_WERROR=ON
    d13_chroot "$root" grep -E '^Boost_DIR:' "$build/CMakeCache.txt"
    d13_chroot "$root" cmake --build "$build" -j"$JOBS"
    d13_chroot "$root" ctest --test-dir "$build" -j"$JOBS" --output-on-failure \
        --timeout 300 -LE '^soak$'
    if [[ $name == "$D13_DEB_BUILD" ]]; then
        d13_chroot "$root" sh -c "cd $build && rm -f persist-dev_*.deb && cpack -G DEB"
    fi
}

# The .deb from the Boost 1.88 build, installed with apt-get into a clean
# root (the base, no Boost in it, under a throw-away overlay, so the cached
# base stays as it is), then test/consumer built against it with
# find_package(persist), and the persist command run.
d13_check_deb() {
    local base=$D13_CACHE/$D13_SUITE-base work=$D13_CACHE/$D13_SUITE-deb-check
    local root=$work/root deb
    deb=$(cd "$PERSIST_ROOT/build/debian13-$D13_DEB_BUILD" && ls persist-dev_*.deb)
    echo "package: $deb"
    d13_remove_root "$work"
    # shellcheck disable=SC2064  # $work is expanded now: the trap runs after return
    trap "d13_unmount_all; d13_remove_root '$work'" EXIT
    mkdir -p "$work/upper" "$work/work" "$root"
    d13_mount -t overlay overlay \
        -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$root"
    cp "$PERSIST_ROOT/build/debian13-$D13_DEB_BUILD/$deb" "$root/tmp/"
    d13_enter "$root"
    d13_chroot "$root" dpkg-deb --field "/tmp/$deb" Package Version Architecture Depends
    d13_chroot "$root" apt-get install -y -q --no-install-recommends "/tmp/$deb"
    local file missing=0
    for file in /usr/bin/persist /usr/include/persist/persist.hpp /usr/lib/libpersist.a \
        /usr/lib/cmake/persist/persistConfig.cmake /usr/share/doc/persist-dev/README.md \
        /usr/share/doc/persist-dev/LICENSE; do
        if ! d13_chroot "$root" dpkg -S "$file" >/dev/null; then
            echo "error: the package does not install $file" >&2
            missing=1
        fi
    done
    ((missing == 0))
    d13_chroot "$root" persist --version
    d13_chroot "$root" cmake -DMODE=find_package -DCONFIG="$D13_BUILD_TYPE" \
        -DSOURCE_DIR=/src/test/consumer -DWORK_DIR=/tmp/consumer -DGENERATOR=Ninja \
        -DCXX_COMPILER=g++-14 -P /src/test/consumer/run_consumer_test.cmake
}

stage_debian13_main() {
    local entry name compiler v
    trap d13_print_times EXIT
    d13_step "bootstrap base root" d13_make_base
    ((d13_failed == 0)) || return 1
    for v in "${D13_BOOST_VERSIONS[@]}"; do
        d13_step "Boost $v root" d13_make_boost_root "$v"
    done
    ((d13_failed == 0)) || return 1
    for entry in "${D13_BUILDS[@]}"; do
        read -r name compiler v <<<"$entry"
        d13_step "build and test $name" d13_build "$name" "$compiler" "$v"
    done
    ((d13_failed == 0)) || return 1
    d13_step "install .deb, build consumer" d13_check_deb
    ((d13_failed == 0))
}
