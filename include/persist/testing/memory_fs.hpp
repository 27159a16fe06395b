// memory_fs: an in-memory filesystem that can lose power.
#ifndef PERSIST_TESTING_MEMORY_FS_HPP
#define PERSIST_TESTING_MEMORY_FS_HPP

#include <persist/fs/fs_policy.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace persist {

namespace detail::memfs {
struct state;
struct tree;
struct image_access;
}  // namespace detail::memfs

/// How a memory_fs behaves. The defaults model a strict POSIX filesystem as
/// a process with root's privileges sees it.
struct memory_fs_options {
    /// The file mode creation mask applied by create_exclusive,
    /// create_anonymous, open_append, lock and make_directory.
    mode_t umask = 022;
    /// Owner and group of new files; empty: the process's effective ids.
    std::optional<uid_t> owner;
    std::optional<gid_t> group;
    /// Whether set_owner may give a file away (CAP_CHOWN). Empty: only when
    /// the process's effective uid is 0, as for posix_fs.
    std::optional<bool> may_chown;
    /// create_anonymous works (Linux's O_TMPFILE); false: it fails with
    /// EOPNOTSUPP, as on filesystems without O_TMPFILE.
    bool supports_tmpfile = true;

    /// Knob for stronger filesystems (ext4, XFS): a file's fsync or
    /// fdatasync also makes durable the pending directory operations that
    /// gave the file its names. Off: only a directory's sync does that.
    bool fsync_persists_entry = false;
    /// Knob for stronger filesystems (ext4 data=ordered): directory
    /// operations reach the disk in program order, so a crash keeps a
    /// prefix of them. Off: any subset that respects the dependencies.
    bool ordered_directory_operations = false;
};

/// A snapshot of a whole memory_fs: what a power cut or a process crash
/// leaves behind. memory_fs::reboot turns it into a filesystem again.
///
/// Thread safety: immutable; copies share the snapshot.
class memory_image {
public:
    memory_image() = default;

    /// How this image came about: for each operation that was pending at
    /// the crash, whether it reached the disk, was lost, or was torn
    /// (persisted with zeros, garbage or only half of its bytes).
    std::string const& how() const noexcept { return how_; }

    /// The tree, one line per name: path, kind, mode, owner, size and the
    /// start of the content ("/work/a  file 0644 0:0  5 bytes  \"hello\"").
    PERSIST_DECL std::string describe() const;

    /// The tree in a canonical form: equal for equal images, so usable as
    /// a key to count or deduplicate images. Not meant for reading.
    std::string const& canonical() const noexcept { return key_; }

    /// Images are equal when their trees are: same names, kinds, metadata
    /// and bytes, and the same names sharing an inode.
    friend bool operator==(memory_image const& a, memory_image const& b) noexcept {
        return a.key_ == b.key_;
    }

private:
    friend struct detail::memfs::image_access;

    std::shared_ptr<detail::memfs::tree const> tree_;
    std::string how_;
    std::string key_;  // the canonical form of tree_, for equality and deduplication
};

/// How crash() chooses its images.
struct crash_options {
    /// With at most this many pending operations, every allowed subset is
    /// enumerated (2^n subsets, each checked against the dependencies).
    std::size_t exhaustive_limit = 12;
    /// Past that: the number of random subsets drawn, besides the prefix,
    /// omit-one and partial-operation families.
    std::size_t random_samples = 256;
    /// The seed of the random sample; empty: a fresh one, reported in
    /// crash_result::seed so that a failure can be replayed.
    std::optional<std::uint64_t> seed;
};

/// What crash() found.
struct crash_result {
    std::vector<memory_image> images;  ///< distinct images; the first loses every pending operation
    std::size_t pending = 0;           ///< pending operations at the crash
    bool exhaustive = true;            ///< every allowed subset was enumerated
    std::uint64_t seed = 0;            ///< the seed of the random sample (when not exhaustive)
};

/// An in-memory filesystem that models fs_policy fully, and a disk that can
/// lose power.
///
/// As a filesystem it gives the same results and errno values as Linux
/// (ext4) for the same calls: ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
/// EINVAL, EBUSY, ELOOP (40 links), ENAMETOOLONG, EBADF; symbolic links
/// (followed as the kernel does, trailing slashes included), hard links and
/// link counts, modes under a umask, owners, O_TMPFILE files and linking
/// them by handle, and flock-style locks that exclude every other handle.
/// test/support/fs_conformance.hpp runs the same sequences here and on
/// posix_fs, so the two cannot drift apart. Paths are resolved from "/";
/// a relative path is taken as relative to "/".
///
/// Crash model. Every inode has a *live* view (what running processes see)
/// and a *durable* view (what is on the disk); every directory has live and
/// durable entries. Each change to the live view is also appended to an
/// ordered list of *pending* operations: write, truncate, set_mode,
/// set_owner (on an inode), and the entry operations create, make_directory,
/// symlink, link, link_handle, unlink and rename (on directories).
///  - sync_data(h) makes the pending writes and truncates of h's inode
///    durable; sync_full(h) also its mode and owner. Neither makes a name
///    durable (unless the fsync_persists_entry knob is on).
///  - sync_directory(d) makes the pending entry operations of d durable,
///    and so does sync_data or sync_full of a handle open on d.
///  - A rename is one operation: after a crash either all of it happened
///    or none of it, whichever of its directories was synced.
///  - Entry operations on the same name in the same directory persist in
///    program order; with ordered_directory_operations, all entry
///    operations do. Nothing else is ordered: a rename can reach the disk
///    before the data it renames (hence the empty file after a crash under
///    no_sync).
///  - A write that is lost may also be torn: the file's size grew but the
///    bytes are zeros or garbage, or only the first half arrived.
///  - An inode that no durable name reaches (an O_TMPFILE file never linked
///    durably, a file whose creation was lost) vanishes.
/// crash() returns the durable images that a power cut now could leave;
/// process_crash() the one a killed process leaves (the live view).
///
/// Not modeled: permission checks (every call succeeds as for root, so use
/// fault_fs to inject EACCES), disk capacity (inject ENOSPC), other devices
/// (EXDEV never happens; inject it), timestamps other than a monotonic
/// mtime (not part of images), reads racing a crash, a drive that lies
/// about flushing, metadata-only journaling subtleties beyond the two knobs,
/// and sparse files (holes are stored as zeros).
///
/// A handle type: copies share one filesystem. Thread safety: every member
/// function may be called from any thread at once; one mutex guards the
/// state. lock() blocks until the lock is free. The crash-point observer is
/// called outside that mutex, on the calling thread.
class memory_fs {
public:
    struct handle {
        std::uint64_t id = 0;
        friend bool operator==(handle, handle) = default;
    };

    /// The call a crash-point observer is told about, before it runs.
    struct crash_point {
        fs_op op;
        handle file;  ///< for write, truncate, sync_*, set_mode, set_owner, link_handle
        std::span<std::byte const> bytes;  ///< for write: the bytes about to be written
    };

    /// An empty filesystem: only "/" exists, and it is durable.
    PERSIST_DECL memory_fs();
    PERSIST_DECL explicit memory_fs(memory_fs_options options);

    // --- fs_policy -----------------------------------------------------------
    using path = std::filesystem::path;

    // Every operation of PERSIST_FS_OPERATIONS (fs_policy.hpp). lock() blocks
    // until no other handle holds the lock on p's inode.
    PERSIST_FS_OPERATIONS(PERSIST_FS_DECLARE_OPERATION)
    PERSIST_FS_SHORT_CALLS(PERSIST_FS_DEFINE_SHORT_CALL)
    PERSIST_DECL mode_t umask();

    // --- beyond fs_policy ------------------------------------------------------
    /// symlink(2): creates link, a symbolic link to target (not resolved).
    /// Errors: EEXIST, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, as Linux.
    PERSIST_DECL io_result<void> symlink(std::filesystem::path const& target,
                                         std::filesystem::path const& link);
    /// mkfifo(2): creates a FIFO at p (file_kind::other), for tests of what
    /// persist does when one is planted at a name it uses. Opens of it fail
    /// as fs_policy 9 and 10 say; where a real open would wait for the
    /// other end of the FIFO, memory_fs fails with EAGAIN instead.
    /// Errors: EEXIST, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, as Linux.
    PERSIST_DECL io_result<void> make_fifo(std::filesystem::path const& p, mode_t mode = 0644);
    PERSIST_DECL void set_umask(mode_t mask);
    PERSIST_DECL memory_fs_options options() const;

    // --- the crash model ---------------------------------------------------------
    /// The distinct durable images a power cut at this instant could leave.
    /// With at most options.exhaustive_limit pending operations, every
    /// subset that respects the dependencies, each also with every lost
    /// write in it torn (zeros, garbage, half). Past that: every prefix of
    /// the pending list, every prefix minus one of its last 8 operations
    /// (and what depends on it), every prefix with its last write torn, and
    /// options.random_samples random subsets, drawn from result.seed.
    /// Changes nothing.
    PERSIST_DECL crash_result crash(crash_options const& options = {}) const;

    /// What a killed process leaves: the live view, without the files that
    /// had no name (O_TMPFILE files never linked, unlinked open files).
    PERSIST_DECL memory_image process_crash() const;

    /// Like process_crash(), killed while write(h, ...) was in progress:
    /// `applied`, a prefix of the bytes being written, is already in the
    /// file. REQUIRES: h is open for writing.
    PERSIST_DECL memory_image process_crash_during_write(handle h,
                                                         std::span<std::byte const> applied) const;

    /// The durable view as it is, as if every pending operation were lost.
    PERSIST_DECL memory_image durable_image() const;

    /// A fresh filesystem whose live and durable views are `image`, with
    /// nothing pending, no open handles and no locks: the machine after a
    /// reboot, on which recovery code runs.
    PERSIST_DECL static memory_fs reboot(memory_image const& image, memory_fs_options options = {});

    /// sync(2): makes every pending operation durable. Tests call it after
    /// setting up the state a workload starts from.
    PERSIST_DECL void sync_all();

    /// The pending operations, oldest first, as one line each
    /// ("#4 rename /work/.a.tmp-… -> /work/a").
    PERSIST_DECL std::vector<std::string> pending_operations() const;

    /// fsyncgate (PostgreSQL, 2018): forgets the pending writes and
    /// truncates of h's inode without making them durable, as Linux does
    /// when writeback fails; the live view keeps the bytes (they are still
    /// in the page cache) and the next sync succeeds. fault_fs calls it.
    /// Errors: EBADF.
    PERSIST_DECL io_result<void> drop_dirty_data(handle h);

    /// Calls observer before every call that may change the filesystem
    /// (create_*, open_append, lock, write, truncate, sync_*, rename, link*,
    /// unlink, make_directory, set_mode, set_owner), outside the mutex, so
    /// it may call crash() and process_crash(): the crash harness crashes
    /// the workload at every such point. An empty function removes it.
    PERSIST_DECL void set_crash_point_observer(std::function<void(crash_point const&)> observer);

private:
    explicit memory_fs(std::shared_ptr<detail::memfs::state> state) noexcept
        : state_(std::move(state)) {}
    void notify(crash_point const& point) const;

    std::shared_ptr<detail::memfs::state> state_;
};

static_assert(fs_policy<memory_fs>);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/testing/impl/memory_fs.ipp>
#endif

#endif
